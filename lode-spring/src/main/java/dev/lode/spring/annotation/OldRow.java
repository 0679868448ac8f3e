package dev.lode.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of an {@link OnWalChange} method that receives the old row, bound from
 * {@link dev.lode.core.WalChange#oldValues()}: a record, a POJO or a {@code Map<String, Object>}.
 * Unless the table has {@code REPLICA IDENTITY FULL}, PostgreSQL sends only the key columns of the
 * old row, so other properties stay {@code null}. A record or POJO parameter is {@code null} when
 * there are no old values (INSERT).
 *
 * @since 0.1.0
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OldRow {

}
