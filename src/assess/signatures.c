#include "assess/signatures.h"

/*
 * Every byte below is the fragment's byte XOR SIGNATURE_KEY. The comment
 * above each entry describes the fragment in words, not in its plain form.
 */
#define SIGNATURE_KEY 0x5a

struct signature {
	uint8_t bytes[CONTENT_SIGNATURE_MAX_LEN];
	uint8_t len;
	const char *reason;
};

static const struct signature signatures[] = {
	/* a pipe into sh or bash, with and without a space */
	{ { 0x26, 0x7a, 0x29, 0x32 }, 4, "pipes output into a shell" },
	{ { 0x26, 0x29, 0x32 }, 3, "pipes output into a shell" },
	{ { 0x26, 0x7a, 0x38, 0x3b, 0x29, 0x32 }, 6, "pipes output into a shell" },
	{ { 0x26, 0x38, 0x3b, 0x29, 0x32 }, 5, "pipes output into a shell" },
	/* bash's /dev/tcp pseudo-device path */
	{ { 0x75, 0x3e, 0x3f, 0x2c, 0x75, 0x2e, 0x39, 0x2a, 0x75 }, 9,
	  "opens a network connection through a bash pseudo-device" },
	/* an interactive bash */
	{ { 0x38, 0x3b, 0x29, 0x32, 0x7a, 0x77, 0x33 }, 7, "starts an interactive shell" },
	/* netcat's option that attaches a program to the socket */
	{ { 0x34, 0x39, 0x7a, 0x77, 0x3f }, 5, "runs netcat with a program attached" },
	/* the base64 tool's decode option */
	{ { 0x38, 0x3b, 0x29, 0x3f, 0x6c, 0x6e, 0x7a, 0x77, 0x3e }, 9,
	  "decodes base64 in a shell command" },
	/* exec() applied directly to base64.b64decode( and to __import__('base64') */
	{ { 0x3f, 0x22, 0x3f, 0x39, 0x72, 0x38, 0x3b, 0x29, 0x3f, 0x6c, 0x6e, 0x74, 0x38,
	    0x6c, 0x6e, 0x3e, 0x3f, 0x39, 0x35, 0x3e, 0x3f, 0x72 }, 22,
	  "executes base64-decoded code" },
	{ { 0x3f, 0x22, 0x3f, 0x39, 0x72, 0x05, 0x05, 0x33, 0x37, 0x2a, 0x35, 0x28, 0x2e,
	    0x05, 0x05, 0x72, 0x7d, 0x38, 0x3b, 0x29, 0x3f, 0x6c, 0x6e, 0x7d, 0x73 }, 25,
	  "executes base64-decoded code" },
	/* chmod +x */
	{ { 0x39, 0x32, 0x37, 0x35, 0x3e, 0x7a, 0x71, 0x22 }, 8,
	  "makes a file executable from a shell command" },
};

size_t
content_signature_count(void)
{
	return sizeof(signatures) / sizeof(signatures[0]);
}

size_t
content_signature_decode(size_t index, uint8_t *out, const char **reason)
{
	const struct signature *sig;
	size_t i;

	if (index >= content_signature_count())
		return 0;
	sig = &signatures[index];
	for (i = 0; i < sig->len; i++)
		out[i] = sig->bytes[i] ^ SIGNATURE_KEY;
	*reason = sig->reason;
	return sig->len;
}
