package dev.fuseflow.embedded.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a running Kafka broker and Schema Registry: declare a parameter of type
 * {@link dev.fuseflow.embedded.EmbeddedStack} on a test, {@code @BeforeAll} or constructor.
 *
 * <p>One stack serves every test class of the test JVM; it starts on first use and stops when
 * the JVM's tests are done. Tests share it, so each test uses its own topic names. The broker is
 * Apache Kafka's image under Testcontainers where a Docker engine answers, otherwise Kafka's own
 * broker classes in this JVM; the system property {@code fuseflow.test.broker} (in-process,
 * child-process, container, auto) forces one.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EmbeddedStackExtension.class)
public @interface WithEmbeddedStack {}
