package dev.lode.sample;

import java.math.BigDecimal;

/**
 * An order as lode binds a row of the {@code orders} table (column names to component names).
 *
 * @param id the order's id
 * @param customer who ordered
 * @param amount the amount
 * @param status {@code new} or {@code paid}
 */
public record Order(long id, String customer, BigDecimal amount, String status) {

}
