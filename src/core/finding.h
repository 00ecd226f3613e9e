/*
 * finding: the one record that every writer renders.
 *
 * A finding owns its strings: finding_free() releases path, evidence,
 * interpreter, owner and reasons. All strings are raw bytes as found on the
 * scanned system (paths and lines are attacker-controlled); writers escape
 * them. Setters return 0, -ENOMEM, or -E2BIG when a fixed capacity is full.
 */
#ifndef SITEHOUND_CORE_FINDING_H
#define SITEHOUND_CORE_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define FINDING_TECHNIQUE "T1546.018"
/* Reasons are short; eight cover every rule with room for provenance. */
#define FINDING_MAX_REASONS 8
/* Evidence beyond this many bytes of the original line is cut and flagged. */
#define FINDING_EVIDENCE_MAX 1024

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH };
enum confidence { CONF_LOW, CONF_MEDIUM, CONF_HIGH };

/*
 * The fields an event finding (from telemetry or a kernel notification) adds:
 * the action, the actor and where the record came from. Strings are NULL when
 * absent; pid is 0 when unknown.
 */
struct finding_event {
	bool present;         /* the finding comes from an event */
	bool time_unknown;    /* the event carried no time; time is 0 */
	long time_fraction;   /* 100-ns ticks past time's whole second */
	char *action;         /* such as FileCreated or RegistryValueSet */
	char *host;
	char *user;
	char *process;        /* image file name of the writing process */
	char *command_line;
	char *process_path;
	char *parent;         /* image file name of the writer's parent */
	long long pid;
	const char *format;   /* input format name, static storage */
	char *source_file;
	long source_line;     /* 1-based line where the record starts */
	unsigned long source_record; /* 1-based record number in the file */
};

struct finding {
	time_t time;
	const char *rule; /* stable id, static storage */
	const char *kind; /* hook kind, static storage */
	enum severity severity;
	enum confidence confidence;
	char *path;       /* as on the scanned system */
	long line;        /* 1-based line number, 0 when not a line finding */
	char *evidence;   /* NULL when absent */
	size_t evidence_len;
	bool truncated;   /* evidence was cut at FINDING_EVIDENCE_MAX */
	char *interpreter;
	char *owner;
	char *variable;   /* a start-up variable (kind env), or NULL */
	char *value;      /* its value after static expansion, or NULL when unresolved */
	char *reasons[FINDING_MAX_REASONS];
	size_t nreasons;
	struct finding_event event;
};

void finding_init(struct finding *f, const char *rule, const char *kind,
		  enum severity sev, enum confidence conf);
void finding_free(struct finding *f);
__attribute__((warn_unused_result))
int finding_set_path(struct finding *f, const char *path);
__attribute__((warn_unused_result))
int finding_set_evidence(struct finding *f, const void *data, size_t len);
__attribute__((warn_unused_result))
int finding_set_interpreter(struct finding *f, const char *text);
/*
 * Replaces the string in *slot (one of f's own fields) with a copy of
 * text[0..len); len 0 stores NULL. Returns 0 or -ENOMEM.
 */
__attribute__((warn_unused_result))
int finding_set_text(char **slot, const char *text, size_t len);
__attribute__((warn_unused_result, format(printf, 2, 3)))
int finding_add_reason(struct finding *f, const char *fmt, ...);

const char *severity_name(enum severity sev);
const char *confidence_name(enum confidence conf);
/* Parses "info", "low", "medium" or "high"; returns 0 or -EINVAL. */
__attribute__((warn_unused_result))
int severity_parse(const char *text, enum severity *out);

#endif
