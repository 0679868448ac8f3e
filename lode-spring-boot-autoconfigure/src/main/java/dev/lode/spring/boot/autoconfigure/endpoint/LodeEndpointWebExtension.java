package dev.lode.spring.boot.autoconfigure.endpoint;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lode.core.snapshot.SnapshotException;
import dev.lode.spring.boot.autoconfigure.health.Secrets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code lode} endpoint's write operations over HTTP ({@code POST /actuator/lode/{operation}}): what
 * {@link LodeEndpoint#operate} refuses is answered with a status and a body that carries lode's message and the
 * fix, instead of a bare 500, and logged as one WARN line without a stack trace:
 * <ul>
 * <li>400 Bad Request: an unknown operation, a snapshot without tables, a table that does not exist, has no primary
 * key or no listener that receives its SNAPSHOT rows;</li>
 * <li>409 Conflict: an operation that does not fit the state (resume when not paused, pause when paused already
 * or when lode is not running);</li>
 * <li>503 Service Unavailable: a snapshot that could not be recorded because the database did not answer.</li>
 * </ul>
 * The body is {@code {"status": 400, "error": "Bad Request", "message": "..."}}.
 *
 * @since 0.2.0
 */
@EndpointWebExtension(endpoint = LodeEndpoint.class)
public class LodeEndpointWebExtension {

	private static final Logger logger = LoggerFactory.getLogger(LodeEndpointWebExtension.class);

	private final LodeEndpoint endpoint;

	/**
	 * @param endpoint the endpoint whose write operation this one answers over HTTP
	 */
	public LodeEndpointWebExtension(LodeEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * {@link LodeEndpoint#operate} over HTTP.
	 * @param operation {@code pause}, {@code resume} or {@code snapshot}
	 * @param tables the tables of a snapshot, comma-separated
	 * @return 200 with the state afterwards or the started snapshot; 400, 409 or 503 with the message
	 */
	@WriteOperation
	@SuppressWarnings("deprecation") // Boot 3.5 knows a parameter is optional only by Spring's own @Nullable
	public WebEndpointResponse<Object> operate(@Selector String operation,
			@org.springframework.lang.Nullable @Nullable String tables) {
		return answer(operation, () -> this.endpoint.operate(operation, tables));
	}

	/**
	 * {@link LodeEndpoint#operate(String, String, String)} over HTTP ({@code POST /actuator/lode/{source}/{operation}}).
	 * @param source the source's name
	 * @param operation {@code pause}, {@code resume} or {@code snapshot}
	 * @param tables the tables of a snapshot, comma-separated
	 * @return 200 with the source's state afterwards or the started snapshot; 400 (an unknown source among
	 * others), 409 or 503 with the message
	 * @since 0.4.0
	 */
	@WriteOperation
	@SuppressWarnings("deprecation") // Boot 3.5 knows a parameter is optional only by Spring's own @Nullable
	public WebEndpointResponse<Object> operate(@Selector String source, @Selector String operation,
			@org.springframework.lang.Nullable @Nullable String tables) {
		return answer(source + "/" + operation, () -> this.endpoint.operate(source, operation, tables));
	}

	private static WebEndpointResponse<Object> answer(String operation, java.util.function.Supplier<Object> call) {
		try {
			return new WebEndpointResponse<>(call.get(), WebEndpointResponse.STATUS_OK);
		}
		catch (IllegalArgumentException ex) {
			return refuse(operation, 400, "Bad Request", ex);
		}
		catch (IllegalStateException ex) {
			return refuse(operation, 409, "Conflict", ex);
		}
		catch (SnapshotException ex) {
			return (ex.getCause() instanceof SQLException) ? refuse(operation, 503, "Service Unavailable", ex)
					: refuse(operation, 400, "Bad Request", ex);
		}
	}

	private static WebEndpointResponse<Object> refuse(String operation, int status, String error, RuntimeException ex) {
		String message = Secrets.redact(String.valueOf(ex.getMessage()));
		logger.warn("POST /actuator/lode/{} refused with {} {}: {}", operation.replaceAll("\\p{Cntrl}", "?"), status,
				error, message);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", status);
		body.put("error", error);
		body.put("message", message);
		return new WebEndpointResponse<>(body, status);
	}

}
