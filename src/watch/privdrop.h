/*
 * privdrop: lowers the privileges of a running watcher once its
 * notification sources are set up.
 */
#ifndef SITEHOUND_WATCH_PRIVDROP_H
#define SITEHOUND_WATCH_PRIVDROP_H

/*
 * Keeps only CAP_DAC_READ_SEARCH (to read any hook file and turn fanotify
 * handles into paths) and CAP_SYS_PTRACE (to read /proc/PID/exe, cmdline and
 * environ of other users' processes). Every other capability is dropped from
 * the effective, permitted, inheritable and bounding sets, and no new
 * privileges can be gained through exec. The user stays root, so the output
 * file can still be reopened. Returns 0, 1 when not running with
 * capabilities (nothing to drop), or a negative errno.
 */
int watch_drop_privileges(void);

#endif
