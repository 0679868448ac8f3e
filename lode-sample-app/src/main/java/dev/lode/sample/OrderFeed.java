package dev.lode.sample;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.core.ChangeKind;
import dev.lode.spring.annotation.OnWalChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes each new order to the browsers that show the sample page ({@code /}), as server-sent events
 * ({@code GET /orders/stream}, event {@code order}, data: the {@link Order} as JSON). A browser that
 * connects first receives the latest orders; {@code GET /orders/recent} returns them too.
 */
@RestController
public class OrderFeed {

	private static final Logger logger = LoggerFactory.getLogger(OrderFeed.class);

	private static final int RECENT = 20;

	private static final long TIMEOUT_MILLIS = Duration.ofMinutes(5).toMillis();

	private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();

	private final Deque<Order> recent = new ArrayDeque<>();

	@GetMapping(path = "/orders/stream", produces = "text/event-stream")
	SseEmitter stream() {
		SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
		emitter.onCompletion(() -> this.emitters.remove(emitter));
		emitter.onTimeout(() -> this.emitters.remove(emitter));
		emitter.onError((ex) -> this.emitters.remove(emitter));
		this.emitters.add(emitter);
		try {
			// sends the response's headers now: the page knows it is connected before the first order
			emitter.send(SseEmitter.event().comment("lode sample order stream"));
		}
		catch (IOException ex) {
			this.emitters.remove(emitter);
			return emitter;
		}
		// an order that arrives meanwhile may come twice: the page shows each id once
		for (Order order : recent()) {
			if (!send(emitter, order)) {
				this.emitters.remove(emitter);
				break;
			}
		}
		return emitter;
	}

	@GetMapping("/orders/recent")
	List<Order> recent() {
		synchronized (this.recent) {
			return List.copyOf(this.recent);
		}
	}

	/** lode binds the new row to an {@link Order}; the browsers get it a few milliseconds after the commit. */
	@OnWalChange(id = "order-feed", table = "orders", kind = ChangeKind.INSERT)
	void onNewOrder(Order order) {
		synchronized (this.recent) {
			this.recent.addLast(order);
			if (this.recent.size() > RECENT) {
				this.recent.removeFirst();
			}
		}
		// a browser that went away must not fail the listener (lode would deliver the change again)
		this.emitters.removeIf((emitter) -> !send(emitter, order));
	}

	/**
	 * Ends the pages' streams when the application shuts down, before the web server's graceful
	 * shutdown would wait for them (they never end by themselves).
	 */
	@EventListener(ContextClosedEvent.class)
	void closeStreams() {
		this.emitters.forEach(SseEmitter::complete);
		this.emitters.clear();
	}

	private static boolean send(SseEmitter emitter, Order order) {
		try {
			emitter.send(SseEmitter.event().name("order").id(Long.toString(order.id())).data(order));
			return true;
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Dropped a page's order stream: {}", ex.toString());
			emitter.completeWithError(ex);
			return false;
		}
	}

}
