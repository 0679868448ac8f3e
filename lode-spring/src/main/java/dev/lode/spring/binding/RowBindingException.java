package dev.lode.spring.binding;

/**
 * A row could not be bound to a listener parameter. The message names the target type and the
 * property, never the value (row values may hold personal data and must not reach logs).
 *
 * @since 0.1.0
 */
public class RowBindingException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what could not be bound
	 */
	public RowBindingException(String message) {
		super(message);
	}

	/** @return the simple name of the innermost cause, which says what kind of conversion failed */
	static String rootType(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName();
	}

}
