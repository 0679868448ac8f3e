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

	/** The connection was lost; reconnecting with back-off. */
	RECONNECTING,

	/** Another process streams from the slot; waiting to take over when it is gone. */
	STANDBY,

	/** Stopped on request. */
	STOPPED,

	/** Stopped by an error; nothing after the last acknowledged position was acknowledged. */
	FAILED

}
