package dev.lode.faults.ledger;

/**
 * One line of a ledger.
 *
 * @param type {@code d} delivered, {@code u} update delivered, {@code c} a change of the snapshot table (its text: kind, old
 * id, v, hash of big), {@code s} session started, {@code f} injected failure, {@code r}
 * reconnecting, {@code x} gave up
 * @param id the row id ({@code d}, {@code u}, {@code f}), the attempt ({@code r}), otherwise 0
 * @param text the commit LSN ({@code d}, {@code u}), the confirmed LSN ({@code s}), the reason ({@code x}), otherwise
 * empty
 */
public record LedgerRecord(char type, long id, String text) {

	/** @return whether this is a delivery */
	public boolean isDelivery() {
		return this.type == 'd';
	}

	/** @return whether lode (re)started streaming here */
	public boolean isSessionStart() {
		return this.type == 's';
	}

	/**
	 * Parses one complete line.
	 * @param line the line without its newline
	 * @return the record
	 * @throws IllegalArgumentException if the line is not a ledger record
	 */
	public static LedgerRecord parse(String line) {
		if (line.length() < 3 || line.charAt(1) != ' ') {
			throw new IllegalArgumentException("Not a ledger line: '" + line + "'");
		}
		char type = line.charAt(0);
		String rest = line.substring(2);
		return switch (type) {
			case 'd', 'u', 'c' -> {
				int space = rest.indexOf(' ');
				if (space < 0) {
					throw new IllegalArgumentException("Not a ledger line: '" + line + "'");
				}
				yield new LedgerRecord(type, Long.parseLong(rest.substring(0, space)), rest.substring(space + 1));
			}
			case 'f', 'r' -> new LedgerRecord(type, Long.parseLong(rest), "");
			case 's', 'x' -> new LedgerRecord(type, 0, rest);
			default -> throw new IllegalArgumentException("Not a ledger line: '" + line + "'");
		};
	}

	@Override
	public String toString() {
		return switch (this.type) {
			case 'd', 'u', 'c' -> this.type + " " + this.id + " " + this.text;
			case 'f', 'r' -> this.type + " " + this.id;
			default -> this.type + " " + this.text;
		};
	}

}
