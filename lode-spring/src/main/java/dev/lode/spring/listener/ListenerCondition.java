package dev.lode.spring.listener;

import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Supplier;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypedValue;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.util.StringUtils;

/**
 * A listener's SpEL {@code condition}, parsed once at startup and evaluated per change against a
 * {@link WalChangeExpressionRoot}, with the variables {@code #change}, {@code #row}, {@code #old} and,
 * for {@link OnWalChange} methods, the method's parameters by name ({@code #order}, or {@code #p0} /
 * {@code #a0}), which are bound only if the expression refers to them.
 *
 * @since 0.1.0
 */
final class ListenerCondition {

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	/** Shared so that reflective lookups are cached across evaluations. */
	private static final List<PropertyAccessor> accessors = List.of(new MapKeyAccessor(),
			new ReflectivePropertyAccessor());

	private final String text;

	private final Expression expression;

	private final String[] names;

	private final BeanFactoryResolver beans;

	private ListenerCondition(String text, Expression expression, String[] names, BeanFactory beanFactory) {
		this.text = text;
		this.expression = expression;
		this.names = names;
		this.beans = new BeanFactoryResolver(beanFactory);
	}

	/**
	 * @param text the condition, may be empty
	 * @param method the listener method, whose parameter names become variables
	 * @param beanFactory resolves {@code @bean} references
	 * @return the parsed condition, or {@code null} when the text is empty
	 * @throws ParseException when the text is not a SpEL expression
	 */
	static @Nullable ListenerCondition parse(String text, Method method, BeanFactory beanFactory) {
		if (!StringUtils.hasText(text)) {
			return null;
		}
		String[] names = parameterNames.getParameterNames(method);
		return new ListenerCondition(text, parser.parseExpression(text),
				(names != null) ? names : new String[0], beanFactory);
	}

	/**
	 * @param change the change
	 * @param arguments the listener's arguments, resolved only when the expression uses a parameter
	 * @return whether the condition holds
	 */
	boolean matches(WalChange change, @Nullable Supplier<@Nullable Object[]> arguments) {
		Context context = new Context(new WalChangeExpressionRoot(change), arguments, this.names);
		context.setPropertyAccessors(accessors);
		context.setBeanResolver(this.beans);
		return Boolean.TRUE.equals(this.expression.getValue(context, Boolean.class));
	}

	@Override
	public String toString() {
		return this.text;
	}

	/** Binds the method's arguments as variables on their first use. */
	private static final class Context extends StandardEvaluationContext {

		private @Nullable Supplier<@Nullable Object[]> arguments;

		private final String[] names;

		Context(WalChangeExpressionRoot root, @Nullable Supplier<@Nullable Object[]> arguments, String[] names) {
			super(root);
			this.arguments = arguments;
			this.names = names;
			setVariable("change", root.getChange());
			setVariable("row", root.getRow());
			setVariable("old", root.getOld());
		}

		@Override
		public @Nullable Object lookupVariable(String name) {
			Object value = super.lookupVariable(name);
			Supplier<@Nullable Object[]> supplier = this.arguments;
			if (value != null || supplier == null) {
				return value;
			}
			this.arguments = null;
			@Nullable Object[] args = supplier.get();
			for (int i = 0; i < args.length; i++) {
				Object arg = args[i];
				if (i < this.names.length && super.lookupVariable(this.names[i]) == null) {
					setVariable(this.names[i], arg);
				}
				setVariable("p" + i, arg);
				setVariable("a" + i, arg);
			}
			return super.lookupVariable(name);
		}

	}

	/**
	 * Reads {@code row.status} as {@code row['status']}: a map key as a property. lode's own, because
	 * Spring's {@code org.springframework.context.expression.MapAccessor} is deprecated for removal in
	 * Framework 7 and its replacement does not exist in 6.2; {@link PropertyAccessor} is the same in both.
	 */
	static final class MapKeyAccessor implements PropertyAccessor {

		@Override
		public Class<?>[] getSpecificTargetClasses() {
			return new Class<?>[] { java.util.Map.class };
		}

		@Override
		public boolean canRead(EvaluationContext context, @Nullable Object target, String name) {
			return target instanceof java.util.Map<?, ?> map && map.containsKey(name);
		}

		@Override
		public TypedValue read(EvaluationContext context, @Nullable Object target, String name) {
			return new TypedValue(((java.util.Map<?, ?>) target).get(name));
		}

		@Override
		public boolean canWrite(EvaluationContext context, @Nullable Object target, String name) {
			return false;
		}

		@Override
		public void write(EvaluationContext context, @Nullable Object target, String name, @Nullable Object newValue) {
			throw new UnsupportedOperationException("Conditions do not change row values");
		}

	}

}
