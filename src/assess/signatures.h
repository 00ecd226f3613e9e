/*
 * signatures: literal fragments of published malicious hooks (a download
 * piped into a shell, a /dev/tcp redirect, exec of base64-decoded code)
 * that the content analyser looks for.
 *
 * The fragments are stored XOR-encoded, so that the sitehound binary does
 * not contain them in the clear and antivirus products that scan it do not
 * flag it. content_signature_decode() writes one plain fragment into a
 * caller's buffer. No allocation, no shared mutable state.
 */
#ifndef SITEHOUND_ASSESS_SIGNATURES_H
#define SITEHOUND_ASSESS_SIGNATURES_H

#include <stddef.h>
#include <stdint.h>

/* The maximum fragment length in bytes, and the maximum number of fragments. */
#define CONTENT_SIGNATURE_MAX_LEN   32
#define CONTENT_SIGNATURE_MAX_COUNT 32

/* The number of fragments in the table. */
size_t content_signature_count(void);

/*
 * Decodes fragment index into out (CONTENT_SIGNATURE_MAX_LEN bytes of
 * room) and returns its length, or 0 when index is out of range. Stores
 * the static reason text for a finding in *reason.
 */
size_t content_signature_decode(size_t index, uint8_t *out, const char **reason);

#endif
