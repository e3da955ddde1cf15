/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "util.h"

size_t nsb_strv_length(char *const *strv)
{
	size_t n = 0;

	if (!strv)
		return 0;
	while (strv[n])
		n++;
	return n;
}

void nsb_strv_free(char **strv)
{
	if (!strv)
		return;
	for (char **p = strv; *p; p++)
		free(*p);
	free(strv);
}

int nsb_strv_copy(const char *const *src, char ***out)
{
	size_t n = 0;
	char **v;

	while (src && src[n])
		n++;
	v = calloc(n + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(src[i]);
		if (!v[i]) {
			nsb_strv_free(v);
			return -ENOMEM;
		}
	}
	*out = v;
	return 0;
}

int nsb_strv_push(char ***strv, const char *s)
{
	size_t n = nsb_strv_length(*strv);
	char *c = strdup(s);
	char **v;

	if (!c)
		return -ENOMEM;
	v = realloc(*strv, (n + 2) * sizeof(char *));
	if (!v) {
		free(c);
		return -ENOMEM;
	}
	v[n] = c;
	v[n + 1] = NULL;
	*strv = v;
	return 0;
}

int nsb_strv_pack(char *const *v, char ***out)
{
	size_t n = nsb_strv_length(v), bytes = (n + 1) * sizeof(char *);
	char **res;
	char *p;

	for (size_t i = 0; i < n; i++)
		bytes += strlen(v[i]) + 1;
	res = malloc(bytes);
	if (!res)
		return -ENOMEM;
	p = (char *)(res + n + 1);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(p, v[i], l);
		res[i] = p;
		p += l;
	}
	res[n] = NULL;
	*out = res;
	return 0;
}

char *nsb_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *r;

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 1 && a[0] == '/')
		la = 0;
	if (asprintf(&r, "%.*s/%s", (int)la, a, b) < 0)
		return NULL;
	return r;
}

char *nsb_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *r;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&r, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : r;
}

bool nsb_name_is_valid(const char *s, size_t maxlen)
{
	size_t n;

	if (!s || !*s)
		return false;
	n = strnlen(s, maxlen + 1);
	if (n > maxlen)
		return false;
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p == '/' || *p < 0x21 || *p == 0x7f)
			return false;
	return true;
}

bool nsb_relpath_is_valid(const char *s, size_t maxlen)
{
	const char *p;

	if (!s || !*s || *s == '/' || strnlen(s, maxlen + 1) > maxlen)
		return false;
	p = s;
	for (;;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char comp[NAME_MAX + 1];

		if (len == 0 || len > NAME_MAX)
			return false;
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (!nsb_name_is_valid(comp, NAME_MAX))
			return false;
		if (!e)
			break;
		p = e + 1;
	}
	return true;
}

bool nsb_abspath_is_clean(const char *s)
{
	const char *p;

	if (!s || s[0] != '/' || strnlen(s, PATH_MAX) >= PATH_MAX)
		return false;
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	p = s;
	while (*p) {
		while (*p == '/')
			p++;
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return false;
		while (*p && *p != '/')
			p++;
	}
	return true;
}

int nsb_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end == '\n')
		end++;
	if (*end != '\0')
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

int nsb_parse_i64(const char *s, int64_t *out)
{
	long long v;
	char *end;

	if (!s || !(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end == '\n')
		end++;
	if (*end != '\0')
		return -EINVAL;
	*out = (int64_t)v;
	return 0;
}
