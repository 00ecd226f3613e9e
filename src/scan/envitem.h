/*
 * envitem: the results shared by the readers of persistent environment
 * files (shellenv, fishenv, envfile, unitfile, crontab, ipyconf).
 *
 * A reader turns (pointer, length) text into a struct env_list of items:
 * assignments, `source` lines, EnvironmentFile= references and IPython
 * exec entries, each with its 1-based line, the value as written, and
 * either the value after static expansion or the reason it could not be
 * expanded without running code. Readers never guess a value. Malformed
 * lines become diagnostics (line and static message) and reading goes on
 * with the next line.
 *
 * An env_list owns its items and their strings; env_list_free() releases
 * them. Readers return 0, -E2BIG when ENV_ITEMS_MAX items were kept and
 * more were dropped (the list stays usable and is marked truncated), or
 * -ENOMEM.
 */
#ifndef SITEHOUND_SCAN_ENVITEM_H
#define SITEHOUND_SCAN_ENVITEM_H

#include <stdbool.h>
#include <stddef.h>

/* Items kept per file. A large /etc/profile.d script sets a few hundred
 * variables, so this leaves a wide margin (an estimate). */
#define ENV_ITEMS_MAX 8192
/* Maximum expanded value, in bytes. The kernel limits one environment
 * string to 32 pages (MAX_ARG_STRLEN, 128 KiB on 4 KiB pages), so a
 * longer value could never reach a process. */
#define ENV_VALUE_MAX (128u * 1024)
/* Maximum physical line length read. Longer lines are reported and skipped. */
#define ENV_LINE_MAX (64u * 1024)
/* Malformed lines reported in detail; the rest are only counted. */
#define ENV_DIAGS_MAX 32
/* Variables tracked per file for expansion of later references. */
#define ENV_VARS_MAX 4096
/* Total bytes of expanded values kept per item list, and per variable
 * table. Without it a hostile file could make ENV_ITEMS_MAX values of
 * ENV_VALUE_MAX bytes each (1 GiB). Past it, values are unresolved. */
#define ENV_TOTAL_MAX (16u << 20)

enum env_kind {
	ENV_ASSIGN,     /* name = value */
	ENV_SOURCE,     /* `source FILE` or `. FILE`; value is the path */
	ENV_FILE_REF,   /* systemd EnvironmentFile=; value is the path */
	ENV_EXEC_LINE,  /* an IPython exec_lines entry; value is Python code */
	ENV_EXEC_FILE,  /* an IPython exec_files entry; value is a path */
	ENV_STARTUP_FILE, /* a file IPython runs at start-up; value is its path */
};

/* Scope and condition flags of an item. No scope flag means top level. */
#define ENV_EXPORTED        0x001u /* reaches the environment of child processes */
#define ENV_CONDITIONAL     0x002u /* under if/case/loop, after && or ||, or in a called function */
#define ENV_IN_FUNCTION     0x004u /* inside the function named in item.function */
#define ENV_FUNCTION_CALLED 0x008u /* the file calls that function outside any function */
#define ENV_COMMAND_SCOPED  0x010u /* set for one command only (X=v cmd, a cron job) */
#define ENV_SUBSHELL        0x020u /* in a subshell or pipeline, so lost when it ends */
#define ENV_LOCAL           0x040u /* `local`, `declare` in a function, fish `set -l` */
#define ENV_APPENDS_INHERITED 0x080u /* refers to the variable's own earlier value,
				      * which the file does not set; expanded as empty */
#define ENV_OPTIONAL        0x100u /* EnvironmentFile=-PATH: a missing file is ignored */
#define ENV_UNIVERSAL       0x200u /* fish `set -U`: stored in fish_variables for good */
#define ENV_NOT_READ        0x400u /* a source or EnvironmentFile= target the
				    * collector did not read (see envconf.h) */

struct env_item {
	enum env_kind kind;
	size_t line;            /* first line of a continued line */
	char *name;             /* variable, or the directive ("source", "EnvironmentFile") */
	char *raw;              /* value as written, quotes included */
	char *value;            /* expanded value, or NULL when unresolved */
	const char *unresolved; /* static reason, set when value is NULL */
	char *function;         /* enclosing shell function when ENV_IN_FUNCTION */
	unsigned flags;
};

/* The fields of a new item, as env_list_add() takes them. */
struct env_item_in {
	enum env_kind kind;
	size_t line;
	const char *name;
	const char *raw;
	const char *value;
	const char *unresolved;
	const char *function;
	unsigned flags;
};

/* A malformed line: its 1-based number and a static description. */
struct env_diag {
	size_t line;
	const char *message;
};

struct env_list {
	struct env_item *items;
	size_t count, cap;
	struct env_diag diags[ENV_DIAGS_MAX];
	size_t ndiags;  /* all diagnostics, including those not kept in diags[] */
	size_t bytes;   /* value bytes kept, at most ENV_TOTAL_MAX */
	bool truncated; /* items past ENV_ITEMS_MAX were dropped */
};

void env_list_init(struct env_list *list);
void env_list_free(struct env_list *list);

/*
 * Appends an item made from in (its strings are copied; NULL strings stay
 * NULL). A NULL value without a reason gets a generic reason.
 * Returns 0, -E2BIG past ENV_ITEMS_MAX (marks the list truncated), or
 * -ENOMEM.
 */
__attribute__((warn_unused_result))
int env_list_add(struct env_list *list, const struct env_item_in *in);

/* Counts a diagnostic and keeps it while there is room. */
void env_list_diag(struct env_list *list, size_t line, const char *message);

/*
 * Returns a NUL-terminated copy of data[0..len) for a reader: NUL bytes
 * are dropped and lines longer than ENV_LINE_MAX are emptied, each with a
 * diagnostic in out. Invalid UTF-8 is reported but kept, because shells
 * and the other readers take bytes. Line numbers count from line_base + 1.
 * Returns NULL when memory runs out; the caller frees the copy.
 */
char *env_clean_copy(const char *data, size_t len, size_t line_base, struct env_list *out,
		     size_t *out_len);

/*
 * Returns true when name[0..len) is one of the variables that make Python
 * run code or move where it looks for code at start-up: PYTHONSTARTUP,
 * PYTHONPATH, PYTHONHOME, PYTHONUSERBASE, PYTHONWARNINGS, PYTHONINSPECT,
 * PYTHONPYCACHEPREFIX, PYTHONEXECUTABLE, PYTHONBREAKPOINT and
 * PYTHON_FROZEN_MODULES. The match is exact and case-sensitive.
 */
bool env_is_python_var(const char *name, size_t len);

/* Returns true when s[0..len) is a shell variable name ([A-Za-z_][A-Za-z0-9_]*). */
bool env_is_name(const char *s, size_t len);

/* Returns a short phrase for the scope of flags ("top level", "conditional",
 * "inside a function the file never calls", ...). */
const char *env_scope_text(unsigned flags);

/*
 * Variables known while reading one file, for expanding later references.
 * A variable with value NULL is set but unresolved, and reason gives the cause. A
 * name that is absent is unknown: the file neither sets nor unsets it.
 */
struct env_var {
	char *name;
	char *value;
	const char *reason;
	bool exported;
};

struct env_vars {
	struct env_var *items;
	size_t count;
	size_t bytes; /* value bytes kept, at most ENV_TOTAL_MAX */
};

#define ENV_VARS_INIT { NULL, 0, 0 }

/* Sets name to value (copied; NULL with a reason when unresolved). Returns
 * 0, -E2BIG past ENV_VARS_MAX, or -ENOMEM. The exported mark is kept. */
__attribute__((warn_unused_result))
int env_vars_set(struct env_vars *vars, const char *name, const char *value, const char *reason);
/* Returns the variable named name[0..len), or NULL when it is unknown. */
struct env_var *env_vars_find(const struct env_vars *vars, const char *name, size_t len);
/* Copies every variable of from into to. Returns 0, -E2BIG or -ENOMEM. */
__attribute__((warn_unused_result))
int env_vars_copy(struct env_vars *to, const struct env_vars *from);
void env_vars_free(struct env_vars *vars);

/*
 * The facts a reader may use about the account whose files it reads. home
 * expands `~`, `$HOME` and `@{HOME}`; user expands `$USER` and `$LOGNAME`.
 * NULL fields are unknown, so references to them stay unresolved (a
 * system-wide file runs for every account). home_of, when not NULL,
 * returns the home directory of another account for `~name`, or NULL.
 * seed lists variables known before the file is read; it may be NULL.
 */
struct env_context {
	const char *home;
	const char *user;
	const char *shell;
	const char *(*home_of)(const char *user, const void *arg);
	const void *arg;
	const struct env_vars *seed;
};

#endif
