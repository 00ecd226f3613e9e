/*
 * content: static analysis of the Python text that a startup hook runs,
 * which is one executable .pth line or a whole customize module or
 * PYTHONSTARTUP file. The result is a set of features such as dynamic
 * code, decoding layers, process creation and network access.
 *
 * The text is never run. The analyser walks its bytes once, skipping
 * comments and tracking string literals, and matches API names and
 * literal fragments. It allocates nothing: the report is filled in the
 * caller's struct, and its reason strings are static. Input beyond
 * CONTENT_MAX_TEXT bytes is not analysed, and the report marks it truncated.
 * content_analyse() fails only on invalid arguments (-EINVAL).
 */
#ifndef SITEHOUND_ASSESS_CONTENT_H
#define SITEHOUND_ASSESS_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The maximum bytes analysed per text. Bytes beyond it only count towards the length. */
#define CONTENT_MAX_TEXT (1024u * 1024)

/*
 * Size thresholds for CONTENT_LARGE. Among benign .pth line shapes the
 * *-nspkg.pth line is the longest, at about 560 bytes per namespace.
 * NOTE: the module threshold is an estimate, not measured on APM bootstraps.
 */
#define CONTENT_LARGE_PTH_LINE 4096u
#define CONTENT_LARGE_MODULE   (64u * 1024)

/* The shortest run of base64 or hex alphabet bytes that CONTENT_ENCODED_RUN reports. */
#define CONTENT_ENCODED_RUN_MIN 200u

/*
 * CONTENT_HIGH_ENTROPY fires at or above this many bits per byte, on texts
 * of at least CONTENT_ENTROPY_MIN_LEN bytes. The 636 modules of 256 bytes
 * or more in Debian 12's /usr/lib/python3.11 measure 3.79 to 5.33 (median
 * 4.49), and random base64 text measures close to 6.
 */
#define CONTENT_ENTROPY_HIGH    5.6
#define CONTENT_ENTROPY_MIN_LEN 256u

enum content_kind {
	CONTENT_PTH_LINE, /* one executable line of a .pth file */
	CONTENT_MODULE,   /* a customize module or a PYTHONSTARTUP file */
};

enum content_feature {
	CONTENT_DYNAMIC_CODE,   /* exec/eval/compile/__import__ of computed text, builtins lookups,
				 * these names used as values (an alias) */
	CONTENT_HIDDEN_NAME,    /* names built by concatenation, chr(), reversal, escapes,
				 * non-ASCII letters in code or an unusual source encoding */
	CONTENT_DECODING,       /* base64, hex, zlib, marshal, lzma, bz2, codecs layers */
	CONTENT_PROCESS,        /* os.system, subprocess, os.exec*, spawn*, pty.spawn */
	CONTENT_RESPAWN,        /* a new process of the same Python: sys.executable */
	CONTENT_NETWORK,        /* sockets, HTTP clients and other network APIs */
	CONTENT_RUNTIME,        /* another runtime or shell named in a string */
	CONTENT_EXIT_HOOK,      /* signal handlers and atexit callbacks */
	CONTENT_SELF_REPAIR,    /* writes .pth, site-packages or customize files, chmod */
	CONTENT_PROC_GUARD,     /* reads /proc/self/cmdline or similar */
	CONTENT_ENV_GUARD,      /* reads an environment variable, a possible trigger */
	CONTENT_ARGV_GUARD,     /* reads sys.argv */
	CONTENT_DETACH,         /* DEVNULL, setsid, start_new_session, daemon threads, fork */
	CONTENT_ENCODED_RUN,    /* a run of CONTENT_ENCODED_RUN_MIN base64/hex bytes */
	CONTENT_HIGH_ENTROPY,   /* entropy at or above CONTENT_ENTROPY_HIGH */
	CONTENT_LARGE,          /* longer than the kind's size threshold */
	CONTENT_KNOWN_FRAGMENT, /* a literal fragment of published malicious hooks */
	CONTENT_ADDRESS,        /* a URL or an IP:port literal, without a network API */
	CONTENT_FEATURE_COUNT
};

/*
 * NOTE: CONTENT_ENV_GUARD fires on any read of os.environ or os.getenv(),
 * not only on a comparison, so setuptools' distutils-precedence.pth and
 * the coverage and pytest-cov hooks fire it. Weigh it as weak evidence.
 */

/* The first match of one feature. */
struct content_hit {
	const char *reason; /* static text, for example "calls os.system" */
	size_t offset;      /* byte offset of the match in the text */
};

struct content_report {
	uint32_t features;  /* bit (1u << feature) per feature that fired */
	struct content_hit hits[CONTENT_FEATURE_COUNT]; /* valid where the bit is set */
	size_t length;      /* the text's full length in bytes */
	size_t analysed;    /* bytes analysed: min(length, CONTENT_MAX_TEXT) */
	bool truncated;     /* length > CONTENT_MAX_TEXT */
	size_t encoded_run;        /* longest run of base64/hex alphabet bytes */
	size_t encoded_run_offset; /* where that run starts */
	double entropy;     /* Shannon entropy of the analysed bytes, bits per byte */
};

/*
 * Analyses text[0..len) as Python of the given kind and fills *out.
 * The text needs no NUL terminator and may hold any bytes. Returns 0, or
 * -EINVAL when out is NULL, text is NULL with len > 0, or kind is unknown.
 */
__attribute__((warn_unused_result))
int content_analyse(const uint8_t *text, size_t len, enum content_kind kind,
		    struct content_report *out);

/* Whether the feature fired in the report. */
bool content_has(const struct content_report *report, enum content_feature feature);

/* A short stable name for the feature ("dynamic-code"), or NULL when out of range. */
const char *content_feature_name(enum content_feature feature);

#endif
