package dev.lode.spring.boot.autoconfigure;

/**
 * The Spring Boot line this jar was built for (this is the Boot 3 side; lode-spring-boot-autoconfigure has
 * the Boot 4 twin), checked at startup by {@link BootLineCheck}.
 */
final class StarterLine {

	/** The major version of Spring Boot this jar was compiled against. */
	static final int BOOT_MAJOR = 3;

	private StarterLine() {
	}

}
