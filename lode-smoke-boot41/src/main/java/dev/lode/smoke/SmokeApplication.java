package dev.lode.smoke;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The smallest application a user writes with lode: one listener, Actuator and Web. The same sources
 * run on Spring Boot 4.1, 4.0 (lode-spring-boot-starter) and 3.5 (lode-spring-boot3-starter).
 */
@SpringBootApplication
public class SmokeApplication {

	public static void main(String[] args) {
		SpringApplication.run(SmokeApplication.class, args);
	}

}
