package dev.lode.test;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects the shared {@link TestPostgres} into test constructors, test and
 * lifecycle methods ({@code @BeforeAll}, {@code @BeforeEach}, ...). Usually applied through
 * {@link WithPostgres}.
 *
 * <p>When no server can be had, resolution fails with a {@link ParameterResolutionException} that
 * carries the {@link TestPostgresUnavailableException} (and its instructions) as cause and in its
 * message: the test fails, it is never skipped.
 */
public final class PostgresExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestPostgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        try {
            return TestPostgres.get();
        } catch (RuntimeException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }
}
