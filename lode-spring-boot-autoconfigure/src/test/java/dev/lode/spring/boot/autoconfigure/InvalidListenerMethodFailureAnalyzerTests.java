package dev.lode.spring.boot.autoconfigure;

import java.lang.reflect.Method;

import dev.lode.spring.listener.InvalidListenerMethodException;
import dev.lode.spring.annotation.OnWalTransaction;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidListenerMethodFailureAnalyzerTests {

	@Test
	void theAnalysisNamesTheAnnotationAndTheMethodAndListsWhatIsAllowed() throws Exception {
		Method method = getClass().getDeclaredMethod("onTransaction", String.class);
		InvalidListenerMethodException cause = new InvalidListenerMethodException(OnWalTransaction.class, method,
				"parameter 1 has the unsupported type String");
		FailureAnalysis analysis = new InvalidListenerMethodFailureAnalyzer()
			.analyze(new BeanCreationException("listeners", "wrapped", cause));
		assertThat(analysis.getDescription()).isEqualTo("The @OnWalTransaction method " + getClass().getName()
				+ ".onTransaction(String) cannot be used: parameter 1 has the unsupported type String");
		assertThat(analysis.getAction()).contains("void", "@Async", "WalChange", "TransactionInfo", "@OldRow",
				"Map<String, Object>", "List<WalChange>");
		InvalidListenerMethodException precise = new InvalidListenerMethodException(OnWalTransaction.class, method,
				"parameter 1 has the unsupported type String", "Remove parameter 1");
		assertThat(new InvalidListenerMethodFailureAnalyzer().analyze(precise).getAction())
			.isEqualTo("Remove parameter 1");
	}

	void onTransaction(String value) {
	}

}
