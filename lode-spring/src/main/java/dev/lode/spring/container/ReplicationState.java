package dev.lode.spring.container;


/**
 * The state of a {@link WalReplicationContainer}.
 *
 * @since 0.1.0
 */
public enum ReplicationState {

	/** Not started yet. */
	NEW,

	/** Connecting and checking the slot. */
	STARTING,

	/** Receiving and dispatching changes. */
	STREAMING,

	/**
	 * Paused on request ({@link WalReplicationContainer#pause()}): connected and holding the slot, status
	 * updates keep the connection, nothing new is dispatched, WAL accumulates on the server.
	 * @since 0.2.0
	 */
	PAUSED,

	/** The connection was lost; reconnecting with back-off. */
	RECONNECTING,

	/** Another process streams from the slot; waiting to take over when it is gone. */
	STANDBY,

	/** Stopped on request. */
	STOPPED,

	/** Stopped by an error; nothing after the last acknowledged position was acknowledged. */
	FAILED

}
