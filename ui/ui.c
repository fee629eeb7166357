/* ui.c - the terminal: curses setup and restore, the event loop, painting frames. The only file
 * that owns the terminal; everything it shows is drawn by views into a frame first. */
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "theme.h"

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t suspend_asked; /* Ctrl-Z (SIGTSTP): handled in the loop */
static const double busy_wait = 0.05;       /* seconds between turns while work is under way */
static bool curses_on;

static void restore_terminal(void)
{
	if (curses_on) {
		curses_on = false;
		endwin();
	}
}

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void on_suspend(int sig)
{
	(void)sig;
	suspend_asked = 1;
}

/* A crash still gives the terminal back, then dies the way it would have. */
static void on_fatal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_stop; /* no SA_RESTART: the input wait returns at once */
	sigemptyset(&sa.sa_mask);
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
		sigaction(stops[i], &sa, NULL);
	/* Ours rather than curses' (which it installs only where SIGTSTP is left at its default):
	 * curses' handler takes the terminal back as soon as the process is continued, even by
	 * `kill %1` while it is stopped in the background, which stops it again (SIGTTOU) with the
	 * SIGTERM unanswered. */
	sa.sa_handler = on_suspend;
	sigaction(SIGTSTP, &sa, NULL);
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
}

/* Whether the terminal hung up: its other end is closed (a pane or window gone). Normally
 * SIGHUP says so, but it does not come when the terminal is not the process's controlling one,
 * and then every read fails at once: without this check the loop would spin on them forever. */
static bool terminal_gone(void)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* Ctrl-Z: gives the terminal back, stops, and when continued takes it back for a full repaint
 * unless a stop signal came meanwhile (`kill %1`): then the terminal, already the shell's, is left
 * as it is. Returns false in that case. */
static bool suspend(void)
{
	endwin();
	struct sigaction dfl = {.sa_handler = SIG_DFL}, ours = {.sa_handler = on_suspend};
	sigemptyset(&dfl.sa_mask);
	sigemptyset(&ours.sa_mask);
	sigaction(SIGTSTP, &dfl, NULL);
	raise(SIGTSTP); /* returns once continued, after the handlers of what came meanwhile */
	sigaction(SIGTSTP, &ours, NULL);
	if (stop_signal) {
		curses_on = false;
		return false;
	}
	clear(); /* the next paint redraws everything (and takes the terminal back) */
	return true;
}

static bool start_curses(void)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(
		    stderr,
		    "devports: the dashboard needs a terminal; use `devports list` or --json\n");
		return false;
	}
	if (!newterm(NULL, stdout, stdin)) {
		fprintf(stderr, "devports: cannot use terminal type '%s'\n",
		        getenv("TERM") ? getenv("TERM") : "");
		return false;
	}
	curses_on = true;
	atexit(restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
	mouseinterval(0);
	theme_init();
	return true;
}

static void paint(const struct frame *f)
{
	for (int y = 0; y < f->h && y < LINES; y++) {
		for (int x = 0; x < f->w && x < COLS; x++) {
			const struct cell *c = frame_at(f, y, x);
			if (!c->ch[0])
				continue; /* the right half of a wide character */
			attrset(theme_attr((enum style)c->style));
			mvaddstr(y, x, c->ch);
		}
	}
	attrset(A_NORMAL);
	refresh();
}

/* Writes all of s[0..n) to fd, past interruptions. 0, or the error that stopped it. */
static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int ui_send_pending(struct app *a, int fd)
{
	int rc = write_all(fd, a->tty_out, a->tty_out_len);
	a->tty_out_len = 0;
	return rc;
}

/* The watched ports' changes, between two frames (curses has flushed its output: nothing here
 * moves the cursor or changes what is shown): the bell, which tmux turns into the window's bell
 * flag; outside tmux also a desktop notification, OSC 9 (iTerm2, Windows Terminal...) and OSC 777
 * (rxvt, foot, WezTerm...), with printable text only. */
static void ring(struct app *a)
{
	for (size_t i = 0; i < a->nnotices; i++) {
		const struct app_notice *n = &a->notices[i];
		char text[WATCH_TEXT_MAX], seq[2 * WATCH_TEXT_MAX + 64];
		size_t k = 0;
		for (const char *s = n->text; *s && k + 1 < sizeof text; s++) {
			unsigned char c = (unsigned char)*s;
			text[k++] = c < 0x20 || c == 0x7f || c == ';' ? ' ' : (char)c;
		}
		text[k] = '\0';
		int len = n->osc ? snprintf(seq, sizeof seq,
		                            "\a\033]9;devports %s\a\033]777;notify;devports;%s\a",
		                            text, text)
		                 : snprintf(seq, sizeof seq, "\a");
		if (len > 0)
			write_all(STDOUT_FILENO, seq,
			          (size_t)len < sizeof seq ? (size_t)len : sizeof seq - 1);
	}
	a->nnotices = 0;
}

static enum reaction read_input(struct app *a, int ch)
{
	if (ch == KEY_MOUSE) {
		MEVENT ev;
		if (getmouse(&ev) == OK && (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
			return app_click(a, ev.y);
		return REACT_NONE;
	}
	return app_key(a, ch);
}

static int run(struct app *a)
{
	struct frame f = {0};
	if (frame_init(&f, COLS, LINES) < 0)
		return -ENOMEM;
	bool dirty = true;
	double next_poll = 0;
	long shown_minute = -1;
	while (!stop_signal) {
		if (suspend_asked) {
			suspend_asked = 0;
			if (!suspend())
				break;
			dirty = true;
		}
		a->now = platform_monotonic();
		a->wall = time(NULL);
		dirty |= app_tick(a); /* a kill under way, an HTTP check */
		if (a->poll_now) {
			a->poll_now = false;
			next_poll = 0;
		}
		if (a->now >= next_poll) {
			dirty |= app_poll(a);
			next_poll = a->now + a->interval;
		} else {
			dirty |= model_expire(&a->model, a->now);
		}
		if (a->wall / 60 != shown_minute) { /* uptimes are shown in minutes */
			shown_minute = a->wall / 60;
			dirty = true;
		}
		if (a->status[0] && a->now >= a->status_until) {
			a->status[0] = '\0';
			dirty = true;
		}
		if (dirty) {
			app_draw(a, &f);
			paint(&f);
			dirty = false;
		}
		if (a->tty_out_len || a->nnotices) {
			fflush(stdout); /* after the refresh: never inside curses' output */
			if (a->tty_out_len)
				ui_send_pending(a, STDOUT_FILENO);
			if (a->nnotices)
				ring(a);
		}
		/* Sleep in the input wait until the next poll, waking at least each second so that
		 * highlights and tombstones end on time. */
		double wait = next_poll - platform_monotonic();
		if (wait > 1.0)
			wait = 1.0;
		if (app_busy(a) && wait > busy_wait) /* a kill or a check wants frequent turns */
			wait = busy_wait;
		int wait_ms = wait > 0 ? (int)(wait * 1000) + 1 : 0;
		/* An HTTP check waits on its socket and the terminal together; otherwise curses
		 * waits. */
		timeout(app_wait(a, STDIN_FILENO, wait_ms) ? 0 : wait_ms);
		int ch = getch();
		if (ch == ERR) {
			if (terminal_gone())
				stop_signal = SIGHUP; /* as if it had come: exit 129 */
			continue;
		}
		if (ch == KEY_RESIZE || (COLS != f.w || LINES != f.h)) {
			frame_free(&f);
			if (frame_init(&f, COLS, LINES) < 0)
				return -ENOMEM;
			clear();
			dirty = true;
		}
		a->now = platform_monotonic();
		enum reaction r = read_input(a, ch);
		if (r == REACT_QUIT)
			break;
		if (r == REACT_RESCAN)
			next_poll = 0;
		dirty |= r != REACT_NONE;
	}
	frame_free(&f);
	return 0;
}

int ui_main(struct platform *p, const struct ui_opts *o)
{
	struct app a;
	app_init(&a, o->interval);
	a.now = platform_monotonic(); /* the config's notice is timed from now */
	app_use_config(&a, o->config, o->interval > 0);
	a.platform = p;
	a.guard = (struct kill_guard){.self = getpid(), .parent = getppid()};
	a.suggest_sudo = !o->demo && geteuid() != 0;
	snprintf(a.backend, sizeof a.backend, "%s", platform_name(p));
	install_signals();
	if (!start_curses()) {
		app_free(&a);
		return 2; /* the CLI's error exit */
	}
	int rc = run(&a);
	restore_terminal();
	app_free(&a);
	if (rc < 0) {
		fprintf(stderr, "devports: %s\n", strerror(-rc));
		return 2; /* the CLI's error exit */
	}
	return stop_signal ? 128 + stop_signal : 0;
}
