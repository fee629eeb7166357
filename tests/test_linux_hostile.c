/* test_linux_hostile.c - real listener processes whose names and arguments are escape sequences,
 * control characters, invalid UTF-8, direction overrides, wide characters, 64 KiB of arguments or
 * no argv at all: `devports list` prints each as one clean row with its columns aligned,
 * `devports --json` stays valid UTF-8 and parses, and the dashboard in tmux shows each on one line
 * with its columns aligned. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "hostile_linux.h"
#include "proc_helpers.h"
#include "sanitize.h"

static const char *const csi_argv[] = {"\x1b[2J\x1b[H", "--title", "\x1b]0;pwned\x07",
                                       "\x1b[31mred\x1b[0m", NULL};
static const char *const osc_argv[] = {"\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
                                       "\x1b]52;c;ZXZpbA==\x07", "\x1bP+q\x1b\\", NULL};
static const char *const ctl_argv[] = {
    "line1\nline2", "cr\roverwrite", "tab\there", "back\b\b\bspace", "bell\x07", "del\x7f", NULL};
/* Octal escapes end after three digits: "\2332J" is the byte 0x9B, then "2J". */
static const char *const c1_argv[] = {"\2332J raw", "\302\2332J utf8",
                                      "\302\205nel \302\2350;x\302\234", NULL};
static const char *const bad_argv[] = {"\xff\xfe",         "\xed\xa0\x80 surrogate",
                                       "\xf4\x90\x80\x80", "\xc0\xaf overlong",
                                       "\xe2\x82 cut",     NULL};
static const char *const rlo_argv[] = {"invoice\xe2\x80\xaetxt.exe", "\xe2\x81\xa6isolate",
                                       "\xe2\x80\x8bzero-width", NULL};
static const char *const wide_argv[] = {"服务器", "--name", "🚀🚀🚀", "👩‍💻开发", NULL};
static const char *const empty_string_argv[] = {"", NULL};
enum { BIG_ARGS = 1024, BIG_ARG_LEN = 64 };
static char big_args[BIG_ARGS][BIG_ARG_LEN]; /* 64 KiB, filled by setup() */
static const char *big_argv[BIG_ARGS + 1];

static struct hostile procs[] = {
    {.what = "CSI sequences", .comm = "\x1b[31mred\x1b[0m", .argv = csi_argv},
    {.what = "OSC sequences", .comm = "\x1b]0;owned\x07", .argv = osc_argv},
    {.what = "C0 controls", .comm = "a\rb\nc\td\be\x07", .argv = ctl_argv},
    {.what = "C1 controls", .comm = "\23331m\302\2331m", .argv = c1_argv},
    {.what = "invalid UTF-8", .comm = "\xff\xfe\xc0\xaf\xe2\x82", .argv = bad_argv},
    {.what = "right-to-left override", .comm = "\xe2\x80\xaegpj.exe", .argv = rlo_argv},
    {.what = "wide characters", .comm = "中文进程名", .argv = wide_argv},
    {.what = "a wide character cut at the column's edge",
     .comm = "a\x1b中文进程",
     .argv = wide_argv},
    {.what = "64 KiB of arguments", .comm = "big\x1b[5m", .argv = big_argv},
    /* execve() with no argv at all: the kernel (5.18 and later) passes one empty argument */
    {.what = "an empty argv", .comm = "\x1b[8mnone", .argv = NULL},
    {.what = "an empty argv[0] and name", .comm = "", .argv = empty_string_argv},
};
enum { NPROCS = sizeof procs / sizeof procs[0] };

static uint16_t base_port; /* procs[i] listens on base_port + i; base_port is a multiple of 100 */

static void setup(void)
{
	sanitize_init_locale();
	for (int i = 0; i < BIG_ARGS; i++) {
		snprintf(big_args[i], BIG_ARG_LEN, "\x1b[3%dm%04d-%-53s", i % 8, i,
		         "xxxxxxxxxxxxxxxx");
		big_argv[i] = big_args[i];
	}
	/* Ports in the registered range, shown without pressing a, that share their first three
	 * digits: the dashboard's filter keeps exactly those on screen in a busy machine. */
	for (int tries = 0; tries < 50 && !base_port; tries++) {
		uint16_t base = (uint16_t)(20000 + 100 * ((getpid() + tries * 7) % 100));
		int i = 0;
		while (i < NPROCS && hostile_start(&procs[i], (uint16_t)(base + i)) == 0)
			i++;
		if (i == NPROCS)
			base_port = base;
		else
			while (i > 0)
				hostile_stop(&procs[--i]);
	}
	cr_assert_neq(base_port, 0, "no free ports for the hostile listeners");
}

static void teardown(void)
{
	for (int i = 0; i < NPROCS; i++)
		hostile_stop(&procs[i]);
}

TestSuite(hostile, .init = setup, .fini = teardown, .timeout = 60);

/* ---- reading devports' output ---- */

/* Everything a shell command writes to stdout (NUL-terminated; *len without the NUL). */
static char *run(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p, "%s", cmd);
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			buf = realloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	cr_assert_eq(pclose(p), 0, "%s failed", cmd);
	*len = n;
	return buf;
}

/* Asserts that s[0..len) is valid UTF-8 a terminal shows as it is: no byte below 0x20 but the
 * newline (and the tab when tabs_ok), no ESC, DEL or 0x9B byte, no C1 control and no invisible or
 * direction-changing character. */
static void assert_terminal_safe(const char *s, size_t len, bool tabs_ok, const char *what)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	for (size_t i = 0; i < len;) {
		unsigned char b = (unsigned char)s[i];
		cr_assert(b >= 0x20 || b == '\n' || (tabs_ok && b == '\t'),
		          "%s: control byte 0x%02X at %zu: ...%.40s", what, b, i,
		          s + (i > 20 ? i - 20 : 0));
		cr_assert(b != 0x7f && b != 0x9b, "%s: byte 0x%02X at %zu", what, b, i);
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		cr_assert(n != (size_t)-1 && n != (size_t)-2, "%s: invalid UTF-8 at %zu", what, i);
		cr_assert(!(wc >= 0x80 && wc < 0xa0), "%s: C1 control U+%04X at %zu", what,
		          (unsigned)wc, i);
		cr_assert(!((wc >= 0x202a && wc <= 0x202e) || (wc >= 0x2066 && wc <= 0x2069) ||
		            (wc >= 0x200b && wc <= 0x200f)),
		          "%s: invisible character U+%04X at %zu", what, (unsigned)wc, i);
		i += n ? n : 1;
	}
}

/* The process object of our listener on port in devports --json output (its one holder, the
 * first of "processes"), or NULL. */
static const cJSON *json_process(const cJSON *doc, uint16_t port)
{
	const cJSON *l;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(doc, "listeners"))
	{
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(l, "port");
		const cJSON *proto = cJSON_GetObjectItemCaseSensitive(l, "proto");
		if (!cJSON_IsNumber(p) || p->valueint != port || !cJSON_IsString(proto) ||
		    strcmp(proto->valuestring, "tcp") != 0)
			continue;
		const cJSON *owner = cJSON_GetObjectItemCaseSensitive(l, "owner");
		cr_assert(cJSON_IsString(owner) && strcmp(owner->valuestring, "known") == 0,
		          ":%u: its owner is not known", port);
		const cJSON *holders = cJSON_GetObjectItemCaseSensitive(l, "processes");
		cr_assert(cJSON_IsArray(holders), ":%u: no \"processes\"", port);
		cr_assert_eq(cJSON_GetArraySize(holders), 1, ":%u: one holder", port);
		return cJSON_GetArrayItem(holders, 0);
	}
	return NULL;
}

static const char *json_text(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	cr_assert(cJSON_IsString(v), "no \"%s\"", key);
	return v->valuestring;
}

static cJSON *json_snapshot(void)
{
	size_t len;
	char *out = run(DEVPORTS_BIN " --json", &len);
	assert_terminal_safe(out, len, true, "devports --json");
	cJSON *doc = cJSON_ParseWithLength(out, len);
	cr_assert_not_null(doc, "devports --json is not JSON");
	free(out);
	return doc;
}

/* ---- columns ---- */

/* The display column (0-based) at byte offset off of a line. */
static int col_at(const char *line, size_t off)
{
	char *prefix = strndup(line, off);
	int w = sanitize_width(prefix);
	free(prefix);
	return w;
}

/* The byte offset where display column col begins in line, or -1 past its end. */
static long byte_at_col(const char *line, int col)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t len = strlen(line), i = 0;
	int w = 0;
	while (w < col && i < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, line + i, len - i, &st);
		if (n == 0 || n >= (size_t)-2)
			return -1;
		int cw = wcwidth(wc);
		w += cw < 0 ? 1 : cw;
		i += n;
	}
	return w == col ? (long)i : -1;
}

/* Column of the first display column of title in header, or of its end when at_end. */
static int title_col(const char *header, const char *title, bool at_end)
{
	const char *t = strstr(header, title);
	cr_assert_not_null(t, "no %s title in: %s", title, header);
	return col_at(header, (size_t)(t - header) + (at_end ? strlen(title) : 0));
}

/* Whether line is a row for port (after an optional margin mark: spaces, the port, then proto);
 * sets *port_end to the byte offset just past the port. */
static bool is_row_of(const char *line, uint16_t port, const char *proto, size_t *port_end)
{
	size_t i = 0;
	while (line[i] == ' ' || line[i] == '+' || line[i] == '-')
		i++;
	char *end;
	unsigned long p = strtoul(line + i, &end, 10);
	if (end == line + i || p != port || *end != ' ')
		return false;
	*port_end = (size_t)(end - line);
	while (*end == ' ')
		end++;
	return strncmp(end, proto, strlen(proto)) == 0 && end[strlen(proto)] == ' ';
}

/* Splits text into lines in place; returns how many. */
static size_t split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	return n;
}

/* The one line that is procs[i]'s row (asserts there is exactly one). */
static const char *row_of(char **lines, size_t n, int i, size_t *port_end)
{
	const char *row = NULL;
	for (size_t k = 0; k < n; k++) {
		size_t end;
		if (!is_row_of(lines[k], procs[i].port, "tcp", &end))
			continue;
		cr_assert_null(row, "%s: two rows for :%u:\n%s\n%s", procs[i].what, procs[i].port,
		               row, lines[k]);
		row = lines[k];
		*port_end = end;
	}
	cr_assert_not_null(row, "%s: no row for :%u", procs[i].what, procs[i].port);
	return row;
}

/* Asserts that text appears in row starting at display column col. */
static void assert_at_col(const char *row, int col, const char *text, const char *what)
{
	long off = byte_at_col(row, col);
	cr_assert(off >= 0 && strncmp(row + off, text, strlen(text)) == 0,
	          "%s: \"%s\" is not at column %d of:\n%s", what, text, col, row);
}

/* ---- the tests ---- */

Test(hostile, json_stays_utf8_and_names_each_process_safely)
{
	cJSON *doc = json_snapshot();
	for (int i = 0; i < NPROCS; i++) {
		const cJSON *p = json_process(doc, procs[i].port);
		cr_assert_not_null(p, "%s: :%u is not in --json", procs[i].what, procs[i].port);
		const cJSON *pid = cJSON_GetObjectItemCaseSensitive(p, "pid");
		cr_assert(cJSON_IsNumber(pid) && pid->valueint == procs[i].pid, "%s",
		          procs[i].what);
		const char *name = json_text(p, "name"), *cmd = json_text(p, "cmdline");
		assert_terminal_safe(name, strlen(name), false, procs[i].what);
		assert_terminal_safe(cmd, strlen(cmd), false, procs[i].what);
		if (procs[i].argv == ctl_argv)
			cr_expect(strstr(cmd, "line1\\nline2 cr\\roverwrite"),
			          "a newline inside an argument shows as \\n: %s", cmd);
		if (procs[i].argv == big_argv)
			cr_expect(strlen(cmd) > 900 && strstr(cmd, "…") == cmd + strlen(cmd) - 3,
			          "64 KiB of arguments are cut with an ellipsis: %s", cmd);
		char want[128];
		sanitize_text(want, sizeof want, procs[i].comm, strlen(procs[i].comm));
		if (want[0])
			cr_expect_str_eq(name, want, "%s: the name is not the process's own",
			                 procs[i].what);
	}
	cJSON_Delete(doc);
}

Test(hostile, list_shows_one_clean_aligned_row_each)
{
	cJSON *doc = json_snapshot();
	size_t len;
	char *out = run(DEVPORTS_BIN " list", &len);
	assert_terminal_safe(out, len, false, "devports list");
	static char *lines[1 << 14];
	size_t n = split_lines(out, lines, sizeof lines / sizeof lines[0]);
	const char *header = lines[0];
	int port_end = title_col(header, "PORT", true), pid_end = title_col(header, "PID", true);
	int process = title_col(header, "PROCESS", false);
	int command = title_col(header, "COMMAND", false);
	for (int i = 0; i < NPROCS; i++) {
		size_t end;
		const char *row = row_of(lines, n, i, &end);
		cr_assert_eq(col_at(row, end), port_end, "%s: PORT ends elsewhere:\n%s\n%s",
		             procs[i].what, header, row);
		char pid[16];
		snprintf(pid, sizeof pid, "%d", (int)procs[i].pid);
		assert_at_col(row, pid_end - (int)strlen(pid), pid, procs[i].what);
		const cJSON *p = json_process(doc, procs[i].port);
		cr_assert_not_null(p);
		const char *name = json_text(p, "name"), *cmd = json_text(p, "cmdline");
		if (name[0])
			assert_at_col(row, process, name, procs[i].what);
		if (cmd[0])
			assert_at_col(row, command, cmd, procs[i].what);
	}
	free(out);
	cJSON_Delete(doc);
}

/* ---- the dashboard in tmux ---- */

static char tmux_socket[64];
static pid_t tmux_server;
enum { PANE_ROWS = 40 };

static int tmux(const char *args)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "tmux -L %s %s >/dev/null 2>&1", tmux_socket, args);
	return system(cmd);
}

/* The pane's text (capture-pane -p: characters only, no attributes). */
static char *screen(size_t *len)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "tmux -L %s capture-pane -p -t t", tmux_socket);
	return run(cmd, len);
}

/* Waits up to seconds for done(screen) to hold on a screen that stays the same for a tenth of a
 * second (not one caught while devports paints it); returns the last screen (whether or not). */
static char *wait_screen(double seconds, bool (*done)(const char *))
{
	size_t len;
	char *s = screen(&len), *before = NULL;
	for (int i = 0; i < seconds * 10 && !(done(s) && before && strcmp(before, s) == 0); i++) {
		free(before);
		before = s;
		usleep(100 * 1000);
		s = screen(&len);
	}
	free(before);
	return s;
}

static bool started(const char *s)
{
	return strstr(s, "listening ·") != NULL;
}

static bool all_rows_shown(const char *s)
{
	char *copy = strdup(s), *lines[256];
	size_t n = split_lines(copy, lines, 256);
	int found = 0;
	for (int i = 0; i < NPROCS; i++)
		for (size_t k = 0; k < n; k++) {
			size_t end;
			if (is_row_of(lines[k], procs[i].port, "tcp", &end)) {
				found++;
				break;
			}
		}
	free(copy);
	return found == NPROCS;
}

static void stop_tmux(void)
{
	if (!tmux_server)
		return;
	tmux("kill-server");
	ph_stop(tmux_server); /* and its group, had it not heard */
	tmux_server = 0;
	const char *dir = getenv("TMUX_TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/tmux-%ld/%s", dir && *dir ? dir : "/tmp", (long)getuid(),
	         tmux_socket);
	unlink(path);
}

/* Checks the pane, COLS wide: the title on the first line, then for every listener exactly one
 * row whose PORT, PROTO and PID (and USER, when the pane is wide enough to show it) line up with
 * their titles. */
static void check_pane(int cols)
{
	char *s = wait_screen(5, all_rows_shown);
	assert_terminal_safe(s, strlen(s), false, "the dashboard");
	char *lines[PANE_ROWS + 1];
	size_t n = split_lines(s, lines, PANE_ROWS + 1);
	cr_assert(strncmp(lines[0], " devports ", 10) == 0, "%d columns: the title moved:\n%s",
	          cols, s);
	const char *header = lines[1];
	int port_end = title_col(header, "PORT", true), proto = title_col(header, "PROTO", false);
	int pid_end = title_col(header, "PID", true);
	int user = strstr(header, "USER") ? title_col(header, "USER", false) : -1;
	const struct passwd *pw = getpwuid(geteuid());
	for (int i = 0; i < NPROCS; i++) {
		size_t end;
		const char *row = row_of(lines, n, i, &end);
		cr_assert_eq(col_at(row, end), port_end,
		             "%d columns, %s: PORT ends elsewhere:\n%s\n%s", cols, procs[i].what,
		             header, row);
		assert_at_col(row, proto, "tcp ", procs[i].what);
		char pid[16];
		snprintf(pid, sizeof pid, "%d", (int)procs[i].pid);
		int at = pid_end - (int)strlen(pid);
		assert_at_col(row, at, pid, procs[i].what);
		long after = byte_at_col(row, pid_end);
		cr_assert(after >= 0 && (row[after] == ' ' || row[after] == '\0'),
		          "%d columns, %s: PID ends elsewhere:\n%s\n%s", cols, procs[i].what,
		          header, row);
		if (user >= 0 && pw)
			assert_at_col(row, user, pw->pw_name, procs[i].what);
	}
	free(s);
}

Test(hostile, dashboard_shows_one_aligned_row_each, .fini = stop_tmux)
{
	if (system("command -v tmux >/dev/null 2>&1") != 0)
		cr_skip_test("tmux is not installed");
	snprintf(tmux_socket, sizeof tmux_socket, "devports-hostile-%d", (int)getpid());
	/* The server runs in the foreground (-D) as a child of the test, in a process group of its
	 * own (ph_spawn): it ends with the test however the test ends, and the dashboard in its
	 * pane with it (the pane hangs up). A daemon would outlive a test that times out. */
	const char *server[] = {"tmux", "-L", tmux_socket, "-D", "-f", "/dev/null", NULL};
	tmux_server = ph_spawn(server, NULL);
	cr_assert_gt(tmux_server, 0, "tmux did not start");
	/* Until it answers: a client that finds no server starts a daemon. */
	double until = ph_now() + 5;
	while (tmux("ls") != 0 && ph_now() < until) {
		if (!ph_alive(tmux_server))
			cr_skip_test(
			    "this tmux has no -D (a server in the foreground, 3.2 and later)");
		ph_sleep_ms(20);
	}
	char cmd[512];
	snprintf(cmd, sizeof cmd,
	         "new-session -d -s t -x 200 -y %d 'env LANG=C.UTF-8 TERM=tmux-256color %s -i 0.5'",
	         PANE_ROWS, DEVPORTS_BIN);
	cr_assert_eq(tmux(cmd), 0, "tmux did not start");
	free(wait_screen(5, started));
	/* A filter on the ports' first three digits keeps our rows on screen on a busy machine. */
	snprintf(cmd, sizeof cmd, "send-keys -t t / %u Enter", base_port / 100);
	tmux(cmd);
	check_pane(200);
	/* Narrow: the PROCESS column is cut, wide characters and escapes at its edge. */
	snprintf(cmd, sizeof cmd, "resize-window -t t -x 60 -y %d", PANE_ROWS);
	tmux(cmd);
	usleep(300 * 1000);
	check_pane(60);
}
