package dev.lode.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LsnTest {

	@Test
	void parseAndFormat() {
		Lsn lsn = Lsn.parse("16/B374D848");
		assertThat(lsn.value()).isEqualTo(0x16_B374D848L);
		assertThat(lsn).hasToString("16/B374D848");
		assertThat(Lsn.parse(lsn.toString())).isEqualTo(lsn);
		assertThat(Lsn.parse("16/b374d848")).isEqualTo(lsn);
		// PostgreSQL 18 pads with zeros
		assertThat(Lsn.parse("00000016/B374D848")).isEqualTo(lsn);
		assertThat(Lsn.parse("0/0")).isEqualTo(Lsn.INVALID);
		assertThat(Lsn.parse("0/1")).hasToString("0/1");
		assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").value()).isEqualTo(-1L);
		assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF")).hasToString("FFFFFFFF/FFFFFFFF");
		assertThat(Lsn.parse("80000000/0").value()).isEqualTo(Long.MIN_VALUE);
		assertThat(Lsn.of(0x1_00000000L)).hasToString("1/0");
	}

	@Test
	void roundTripOfRandomValues() {
		Random random = new Random(42);
		for (int i = 0; i < 10_000; i++) {
			long value = switch (i % 3) {
				case 0 -> random.nextLong();
				case 1 -> random.nextInt() & 0xFFFFFFFFL;
				default -> random.nextLong() >>> random.nextInt(64);
			};
			Lsn lsn = Lsn.of(value);
			assertThat(Lsn.parse(lsn.toString())).isEqualTo(lsn);
			assertThat(lsn.toString()).matches("[0-9A-F]{1,8}/[0-9A-F]{1,8}");
		}
	}

	@Test
	void invalid() {
		assertThat(Lsn.of(0)).isSameAs(Lsn.INVALID);
		assertThat(Lsn.INVALID.isInvalid()).isTrue();
		assertThat(Lsn.parse("0/1").isInvalid()).isFalse();
		assertThat(Lsn.INVALID).hasToString("0/0");
	}

	@Test
	void comparesUnsigned() {
		Lsn low = Lsn.parse("7FFFFFFF/FFFFFFFF");
		Lsn high = Lsn.parse("80000000/0");
		Lsn max = Lsn.parse("FFFFFFFF/FFFFFFFF");
		assertThat(low.value()).isEqualTo(Long.MAX_VALUE);
		assertThat(high.value()).isNegative();
		assertThat(high).isGreaterThan(low);
		assertThat(max).isGreaterThan(high);
		assertThat(Lsn.INVALID).isLessThan(low);
		assertThat(high.isAfter(low)).isTrue();
		assertThat(low.isAfter(high)).isFalse();
		assertThat(high.isAfter(high)).isFalse();
		assertThat(low.max(high)).isSameAs(high);
		assertThat(high.max(low)).isSameAs(high);
		assertThat(high.max(null)).isSameAs(high);
		assertThat(max.bytesSince(high)).isEqualTo(Long.MAX_VALUE);
		assertThat(Lsn.parse("1/0").bytesSince(Lsn.parse("0/FFFFFFFF"))).isEqualTo(1);
		assertThat(Lsn.parse("0/10").compareTo(Lsn.parse("0/F"))).isPositive();
		assertThat(Lsn.parse("A/0")).isGreaterThan(Lsn.parse("9/FFFFFFFF"));

		List<Lsn> sorted = new ArrayList<>(List.of(max, Lsn.INVALID, high, low, Lsn.parse("1/0")));
		Collections.shuffle(sorted, new Random(1));
		Collections.sort(sorted);
		assertThat(sorted).containsExactly(Lsn.INVALID, Lsn.parse("1/0"), low, high, max);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "0", "0/", "/0", "16B374D848", "16/B374D848/1", "16//B374D848", " 16/B374D848",
			"16/B374D848 ", "16 /B374D848", "G/0", "0/G", "0x16/B374D848", "100000000/0", "0/100000000",
			"-1/0", "0/-1", "-0/0", "0/-0", "+1/0", "0/+1", "+0/+0", "1.0/0", "1/0.0", "١/٠", "FFFFFFFFFFFFFFFFF/0",
			"0/FFFFFFFFFFFFFFFFF", "\u0000/0" })
	void rejectsNonLsns(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Lsn.parse(text)).withMessageContaining("Not an LSN");
	}

}
