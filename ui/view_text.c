/* view_text.c - text helpers the views share: wrapping, durations. */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "views.h"

enum { PART_MAX = 2048 };

void view_format_duration(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%lld s", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh %lldm", (long long)(s / 3600),
		         (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lldd %lldh", (long long)(s / 86400),
		         (long long)(s % 86400 / 3600));
}

/* Where the first line of s ends in w columns: after the last space that fits, else at the last
 * character that fits. NULL when all of s fits. */
static const char *line_end(const char *s, int w)
{
	mbstate_t ms = {0};
	const char *p = s, *after_space = NULL;
	int width = 0;
	while (*p) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, strlen(p), &ms);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
			n = 1;
			wc = L'?';
			memset(&ms, 0, sizeof ms);
		}
		int cw = wcwidth(wc);
		if (cw < 0)
			cw = 1;
		if (width + cw > w)
			return after_space && after_space > s ? after_space : p > s ? p : p + n;
		width += cw;
		p += n;
		if (wc == L' ')
			after_space = p;
	}
	return NULL;
}

int view_wrap(struct frame *f, int y, int x, int w, int max_lines, enum style st, const char *text)
{
	int lines = 0;
	const char *s = text;
	if (w < 1)
		return 0;
	while (*s && lines < max_lines) {
		const char *end = lines + 1 < max_lines ? line_end(s, w) : NULL;
		if (!end) { /* the rest fits, or it is the last line: frame_put ends it in "…" */
			if (f)
				frame_put(f, y + lines, x, w, st, s);
			return lines + 1;
		}
		char part[PART_MAX];
		size_t n =
		    (size_t)(end - s) < sizeof part - 1 ? (size_t)(end - s) : sizeof part - 1;
		memcpy(part, s, n);
		part[n] = '\0';
		if (f)
			frame_put(f, y + lines, x, w, st, part);
		lines++;
		s = end;
	}
	return lines;
}
