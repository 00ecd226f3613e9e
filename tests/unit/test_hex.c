/* Unit tests for core/hex: digits, \uXXXX values and digest decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/hex.h"

static void
test_hex_digit_values(void **state)
{
	(void)state;
	assert_int_equal(hex_digit('0'), 0);
	assert_int_equal(hex_digit('9'), 9);
	assert_int_equal(hex_digit('a'), 10);
	assert_int_equal(hex_digit('F'), 15);
	assert_int_equal(hex_digit('g'), -1);
	assert_int_equal(hex_digit('/'), -1);
	assert_int_equal(hex_digit(0xff), -1);
}

static void
test_hex_uint16_escapes(void **state)
{
	(void)state;
	assert_int_equal(hex_uint16("d800"), 0xd800);
	assert_int_equal(hex_uint16("DFFF"), 0xdfff);
	assert_int_equal(hex_uint16("00e9"), 0xe9);
	assert_int_equal(hex_uint16("00g9"), -1);
}

static void
test_hex_decode_digest(void **state)
{
	unsigned char out[2];

	(void)state;
	assert_true(hex_decode("a1Ff", 2, out));
	assert_int_equal(out[0], 0xa1);
	assert_int_equal(out[1], 0xff);
	assert_false(hex_decode("a1Fz", 2, out));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_digit_values),
		cmocka_unit_test(test_hex_uint16_escapes),
		cmocka_unit_test(test_hex_decode_digest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
