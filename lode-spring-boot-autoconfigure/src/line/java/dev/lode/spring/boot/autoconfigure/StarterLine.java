package dev.lode.spring.boot.autoconfigure;

/**
 * The Spring Boot line this jar was built for (this is the Boot 4 side; lode-spring-boot3-autoconfigure has
 * the Boot 3 twin), checked at startup by {@link BootLineCheck}.
 */
final class StarterLine {

	/** The major version of Spring Boot this jar was compiled against. */
	static final int BOOT_MAJOR = 4;

	private StarterLine() {
	}

}
