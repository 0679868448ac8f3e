package dev.lode.core.decode;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import dev.lode.core.decode.PgType.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared text-to-Java converter and the type mappings by name and by OID. */
class PgValuesTest {

	private static Object convert(String typeName, String text) {
		return PgValues.convert(PgTypes.byName(typeName), text, true);
	}

	@Test
	void namesOfBothWal2JsonSpellingsMapToTheSameKinds() {
		String[][] pairs = { { "smallint", "int2" }, { "integer", "int4" }, { "bigint", "int8" },
				{ "numeric(12,2)", "numeric" }, { "real", "float4" }, { "double precision", "float8" },
				{ "boolean", "bool" }, { "character varying(30)", "varchar" }, { "character(5)", "bpchar" },
				{ "time(3) without time zone", "time" }, { "time with time zone", "timetz" },
				{ "timestamp(6) without time zone", "timestamp" }, { "timestamp with time zone", "timestamptz" },
				{ "integer[]", "_int4" }, { "numeric(10,2)[]", "_numeric" }, { "mood[]", "_mood" },
				{ "public.mood", "mood" } };
		for (String[] pair : pairs) {
			assertThat(PgTypes.byName(pair[0])).as(pair[0]).isEqualTo(PgTypes.byName(pair[1]));
		}
		assertThat(PgTypes.byName("public.big_id")).isEqualTo(PgType.OTHER);
		assertThat(PgTypes.byName("mood[]")).isEqualTo(PgType.arrayOf(Kind.OTHER));
		assertThat(PgTypes.byName("timestamp with time zone[]")).isEqualTo(PgType.arrayOf(Kind.TIMESTAMPTZ));
		assertThat(PgTypes.byOid(1185)).isEqualTo(PgTypes.byName("timestamptz[]"));
		assertThat(PgTypes.byOid(99999)).isNull();
		assertThat(PgTypes.custom("_mood")).isEqualTo(PgType.arrayOf(Kind.OTHER));
	}

	@Test
	void scalars() {
		assertThat(convert("smallint", "-32768")).isEqualTo(-32768);
		assertThat(convert("bigint", "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
		assertThat(convert("oid", "4294967295")).isEqualTo(4294967295L);
		assertThat(convert("numeric", "1.50")).isEqualTo(new BigDecimal("1.50"));
		assertThat(convert("numeric", "NaN")).isNull();
		assertThat(convert("numeric", "-Infinity")).isNull();
		assertThat(convert("real", "-0")).isEqualTo(-0.0f);
		assertThat(convert("double precision", "1.7976931348623157e+308")).isEqualTo(Double.MAX_VALUE);
		assertThat(convert("double precision", "Infinity")).isEqualTo(Double.POSITIVE_INFINITY);
		assertThat(convert("boolean", "t")).isEqualTo(true);
		assertThat(convert("boolean", "false")).isEqualTo(false);
		assertThat((byte[]) PgValues.convert(PgType.of(Kind.BYTEA), "0102ff", true)).containsExactly(1, 2, 0xff);
		assertThat((byte[]) PgValues.convert(PgType.of(Kind.BYTEA), "\\x0102ff", false)).containsExactly(1, 2, 0xff);
		assertThat((byte[]) PgValues.convert(PgType.of(Kind.BYTEA), "a\\\\b\\001", false))
			.containsExactly('a', '\\', 'b', 1);
	}

	@Test
	void datesAndTimesIndependentOfTheSessionTimeZone() {
		assertThat(convert("timestamptz", "2024-01-02 03:04:05+05:30"))
			.isEqualTo(OffsetDateTime.parse("2024-01-01T21:34:05Z"));
		assertThat(convert("timestamptz", "2024-01-02 03:04:05.123-03:30"))
			.isEqualTo(OffsetDateTime.parse("2024-01-02T06:34:05.123Z"));
		assertThat(convert("timestamptz", "1900-01-01 12:00:00-04:56:02"))
			.isEqualTo(OffsetDateTime.parse("1900-01-01T16:56:02Z"));
		assertThat(convert("timestamptz", "-infinity")).isEqualTo(OffsetDateTime.of(LocalDateTime.MIN, ZoneOffset.UTC));
		assertThat(convert("timestamp", "infinity")).isEqualTo(LocalDateTime.MAX);
		assertThat(convert("timestamp", "0001-01-01 00:00:00 BC")).isEqualTo(LocalDateTime.parse("0000-01-01T00:00"));
		assertThat(convert("date", "294276-12-31")).isEqualTo(LocalDate.of(294276, 12, 31));
		assertThat(convert("time", "24:00:00")).isEqualTo(LocalTime.MAX);
		// infinities of timestamptz are in UTC like every other timestamptz value
		assertThat(((OffsetDateTime) convert("timestamptz", "infinity")).getOffset()).isEqualTo(ZoneOffset.UTC);
		assertThat(((OffsetDateTime) convert("timestamptz", "-infinity")).getOffset()).isEqualTo(ZoneOffset.UTC);
		// 24:00 of a timetz is the last instant of that day at its offset, in UTC
		assertThat(convert("timetz", "24:00:00+02")).isEqualTo(OffsetTime.parse("21:59:59.999999999Z"));
		assertThat(convert("timetz", "23:00:00-02")).isEqualTo(OffsetTime.parse("01:00Z"));
		for (String bad : new String[] { "2024-01-02", "2024-01-02 03:04:05", "2024-13-01 00:00:00+00",
				"2024-01-02 03:04:05+00 AD", "yesterday", "" }) {
			assertThatThrownBy(() -> convert("timestamptz", bad)).as(bad).isInstanceOf(WalDecodeException.class);
		}
	}

	@Test
	void arrays() {
		assertThat(convert("integer[]", "{{1,2},{3,NULL}}")).isEqualTo(List.of(List.of(1, 2), Arrays.asList(3, null)));
		assertThat(convert("text[]", "{\"NULL\",NULL,\"a\\\\b\",\"{}\",\" x \",plain}"))
			.isEqualTo(Arrays.asList("NULL", null, "a\\b", "{}", " x ", "plain"));
		assertThat(convert("integer[]", "[0:1]={7,8}")).isEqualTo(List.of(7, 8));
		assertThat(convert("text[]", "{}")).isEqualTo(List.of());
		assertThat(PgValues.convert(PgTypes.byOid(1020), "{(1,1),(0,0);(2,2),(1,1)}", false))
			.isEqualTo(List.of("(1,1),(0,0)", "(2,2),(1,1)"));
		for (String bad : new String[] { "", "{", "{1,", "{1}}", "{\"a}", "{{{{{{{1}}}}}}}", "1,2", "{,}" }) {
			assertThatThrownBy(() -> convert("integer[]", bad)).as(bad).isInstanceOf(WalDecodeException.class);
		}
	}

	@Test
	void badScalarsAreDecodeErrors() {
		String[][] bad = { { "integer", "1.5" }, { "integer", "99999999999" }, { "numeric", "1e" }, { "real", "0x1p3" },
				{ "real", " 1" }, { "boolean", "yes" }, { "uuid", "not-a-uuid" }, { "uuid", "a0eebc999c0b4ef8bb6d6bb9bd380a11" },
				{ "bytea", "0g" }, { "date", "2024-02-30" } };
		for (String[] pair : bad) {
			assertThatThrownBy(() -> convert(pair[0], pair[1])).as(pair[0] + " " + pair[1])
				.isInstanceOf(WalDecodeException.class);
		}
	}

	@Test
	void rawTextIsKeptOnlyWhereTheValueCannotGiveItBack() {
		assertThat(PgValues.rawDerivable(PgType.of(Kind.INT4), 5, "5")).isTrue();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.INT4), 0, "0")).isTrue();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.INT8), -120L, "-120")).isTrue();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.INT4), 5, "+5")).isFalse();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.INT4), 5, "005")).isFalse();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.INT8), 0L, "-0")).isFalse();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.INT8), -5L, "-05")).isFalse();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.NUMERIC), new BigDecimal("1.50"), "1.50")).isTrue();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.NUMERIC), new BigDecimal("1e3"), "1e3")).isFalse();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.NUMERIC), BigDecimal.ZERO, "-0")).isFalse();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.NUMERIC), new BigDecimal("7.5"), "07.5")).isFalse();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.NUMERIC), new BigDecimal("0.5"), "0.5")).isTrue();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.BOOL), true, "true")).isFalse();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.BOOL), true, "t")).isTrue();
		assertThat(PgValues.rawDerivable(PgType.of(Kind.FLOAT8), 1.0, "1")).isFalse();
		assertThat(PgValues.rawDerivable(PgType.TEXT, "x", "x")).isTrue();
	}

}
