/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "macro.h"

static __thread char error_buf[NSB_ERROR_MAX];

const char *nsb_strerror(int errnum, char *buf, size_t len)
{
	/* GNU strerror_r returns a pointer that may or may not be buf. */
	const char *s = strerror_r(errnum, buf, len);
	return s ? s : "Unknown error";
}

int nsb_set_errorv(int r, int append_cause, const char *fmt, va_list ap)
{
	char ebuf[128];
	int n;

	if (r >= 0)
		r = -EIO;
	n = vsnprintf(error_buf, sizeof(error_buf), fmt, ap);
	if (n < 0) {
		error_buf[0] = '\0';
		n = 0;
	}
	if (append_cause && (size_t)n < sizeof(error_buf))
		(void)snprintf(error_buf + n, sizeof(error_buf) - (size_t)n, ": %s",
			       nsb_strerror(-r, ebuf, sizeof(ebuf)));
	return r;
}

int nsb_set_error(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	r = nsb_set_errorv(r, 1, fmt, ap);
	va_end(ap);
	return r;
}

int nsb_set_error_msg(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	r = nsb_set_errorv(r, 0, fmt, ap);
	va_end(ap);
	return r;
}

int nsb_prefix_error(int r, const char *fmt, ...)
{
	char old[NSB_ERROR_MAX];
	char prefix[NSB_ERROR_MAX];
	va_list ap;

	if (r >= 0)
		r = -EIO;
	memcpy(old, error_buf, sizeof(old));
	va_start(ap, fmt);
	(void)vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Assemble by hand: truncation is expected and fine here. */
	size_t n = strlen(prefix);
	memcpy(error_buf, prefix, n + 1);
	if (old[0] && n + 2 < sizeof(error_buf)) {
		size_t room = sizeof(error_buf) - n - 3;
		size_t ol = strnlen(old, room);
		memcpy(error_buf + n, ": ", 2);
		memcpy(error_buf + n + 2, old, ol);
		error_buf[n + 2 + ol] = '\0';
	}
	return r;
}

int nsb_oom(void)
{
	static const char msg[] = "out of memory";

	memcpy(error_buf, msg, sizeof(msg));
	return -ENOMEM;
}

void nsb_clear_error(void)
{
	error_buf[0] = '\0';
}

const char *nsb_error_get(void)
{
	return error_buf;
}
