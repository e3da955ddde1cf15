/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure helpers with no side effects on the system: strings, string lists,
 * paths, number parsing. Every function that fails sets no message; the
 * caller names what it was doing.
 */
#ifndef NSB_UTIL_H
#define NSB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* NULL-terminated string vectors. */
size_t nsb_strv_length(char *const *strv);
/* Deep copy of a NULL-terminated vector; 0 or -ENOMEM. *out untouched on failure. */
int nsb_strv_copy(const char *const *src, char ***out);
/* Append a copy of s; 0 or -ENOMEM (strv unchanged on failure). */
int nsb_strv_push(char ***strv, const char *s);
void nsb_strv_free(char **strv);
/* Copy a vector into ONE allocation (pointers, then the strings), for
 * results a caller frees with a single nsbox_free(); 0 or -ENOMEM. */
int nsb_strv_pack(char *const *v, char ***out);

/* "a/b", with exactly one slash between; NULL on OOM. */
char *nsb_path_join(const char *a, const char *b);
/* asprintf that returns NULL on failure instead of leaving garbage. */
char *nsb_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A single path component the library may create: not empty, not "." or
 * "..", no '/', no control characters, no whitespace, at most maxlen bytes.
 */
bool nsb_name_is_valid(const char *s, size_t maxlen);
/*
 * A relative path of valid components (no "..", no empty components, no
 * leading '/'); total at most maxlen bytes.
 */
bool nsb_relpath_is_valid(const char *s, size_t maxlen);
/* An absolute path whose components never climb with ".."; at most PATH_MAX. */
bool nsb_abspath_is_clean(const char *s);

/* Strict unsigned decimal: no sign, no spaces (a trailing '\n' is allowed). */
int nsb_parse_u64(const char *s, uint64_t *out);
int nsb_parse_i64(const char *s, int64_t *out);

static inline bool nsb_streq(const char *a, const char *b)
{
	return a && b && __builtin_strcmp(a, b) == 0;
}

#endif /* NSB_UTIL_H */
