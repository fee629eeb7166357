/* procdir.c - small, fast readers of a /proc tree relative to a directory fd (see procdir.h). */
#include "procdir.h"
#include "array_grow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "PID/name" or "PID/fd/FD" without snprintf: this runs once per fd in a scan. */
static char *put_uint(char *p, unsigned long v)
{
	char tmp[24];
	size_t n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static void pid_path(char *buf, pid_t pid, const char *name)
{
	char *p = put_uint(buf, (unsigned long)pid);
	*p++ = '/';
	strcpy(p, name); /* callers pass short literals; buf is 64 bytes */
}

static bool parse_uint(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 19)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* Reads dirfd/path into *buf and NUL-terminates: at most *cap - 1 bytes, or all of it when grow
 * (then *buf and *cap grow with array_grow). Returns the length or a negative errno. */
static ssize_t read_path(int dirfd, const char *path, char **buf, size_t *cap, bool grow)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	for (;;) {
		if (grow && !array_grow((void **)buf, cap, len + 4096 + 1, 1, 16384)) {
			close(fd);
			return -ENOMEM;
		}
		if (len + 1 >= *cap)
			break;
		ssize_t n = read(fd, *buf + len, *cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = -errno;
			close(fd);
			return rc;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

ssize_t procdir_read_file(int dirfd, const char *path, char *buf, size_t cap)
{
	return read_path(dirfd, path, &buf, &cap, false);
}

ssize_t procdir_slurp(int dirfd, const char *path, char **buf, size_t *cap)
{
	return read_path(dirfd, path, buf, cap, true);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* getdents64 wants a buffer aligned for its records. */
union dents_buf {
	struct dirent64 align;
	char bytes[16384];
};

static bool push_pid(pid_t **pids, size_t *n, size_t *cap, pid_t pid)
{
	if (!array_grow((void **)pids, cap, *n + 1, sizeof **pids, 1024))
		return false;
	(*pids)[(*n)++] = pid;
	return true;
}

/* The pid an entry names, or 0 when it is not a process. */
static pid_t entry_pid(const struct dirent64 *d)
{
	uint64_t v;
	if (!parse_uint(d->d_name, strlen(d->d_name), &v) || v == 0 || v > INT32_MAX)
		return 0;
	return (pid_t)v;
}

int procdir_list_pids(int procfd, pid_t **pids, size_t *n, size_t *cap, long *base)
{
	int fd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	union dents_buf b;
	*n = 0;
	bool sorted = true;
	/* procfs gives each entry's d_off as the offset of the next one: pid + base */
	long learned = 0, prev_off = 0;
	bool layout = true;
	ssize_t got;
	while ((got = getdents64(fd, b.bytes, sizeof b.bytes)) > 0) {
		for (ssize_t off = 0; off < got;) {
			const struct dirent64 *d = (const struct dirent64 *)(b.bytes + off);
			off += d->d_reclen;
			pid_t pid = entry_pid(d);
			if (!pid)
				continue;
			if (*n && prev_off) {
				long guess = prev_off - (long)pid;
				layout &= guess > 0 && (learned == 0 || guess == learned);
				learned = guess;
			}
			prev_off = (long)d->d_off;
			if (*n && (*pids)[*n - 1] > pid)
				sorted = false;
			if (!push_pid(pids, n, cap, pid)) {
				close(fd);
				return -ENOMEM;
			}
		}
	}
	int rc = got < 0 ? -errno : 0;
	close(fd);
	if (!sorted)
		qsort(*pids, *n, sizeof **pids, cmp_pid);
	if (base)
		*base = layout && sorted ? learned : 0;
	return rc;
}

int procdir_list_pids_range(int procfd, long base, pid_t from, pid_t upto, pid_t **pids, size_t *n,
                            size_t *cap)
{
	*n = 0;
	if (base <= 0 || from <= 0 || upto < from)
		return base <= 0 ? -ENOTSUP : 0;
	int fd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = 0;
	if (lseek(fd, (off_t)from + base, SEEK_SET) < 0)
		rc = -ENOTSUP;
	/* a small buffer: the kernel fills it whole, and the range is usually a few pids */
	union {
		struct dirent64 align;
		char bytes[2048];
	} b;
	pid_t last = from - 1;
	bool done = false;
	ssize_t got = 0;
	while (rc == 0 && !done && (got = getdents64(fd, b.bytes, sizeof b.bytes)) > 0) {
		for (ssize_t off = 0; off < got && rc == 0 && !done;) {
			const struct dirent64 *d = (const struct dirent64 *)(b.bytes + off);
			off += d->d_reclen;
			pid_t pid = entry_pid(d);
			if (!pid || pid <= last)
				rc = -ENOTSUP; /* not the layout listed before: list everything */
			else if (pid > upto)
				done = true;
			else if (!push_pid(pids, n, cap, pid))
				rc = -ENOMEM;
			last = pid;
		}
	}
	if (rc == 0 && got < 0)
		rc = -errno;
	close(fd);
	if (rc < 0)
		*n = 0;
	return rc;
}

int procdir_stat(int procfd, pid_t pid, struct procdir_stat *st)
{
	char path[64], buf[1024];
	pid_path(path, pid, "stat");
	ssize_t len = procdir_read_file(procfd, path, buf, sizeof buf);
	if (len < 0)
		return (int)len;
	/* "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
	 * stime cutime cstime priority nice threads itrealvalue starttime vsize rss ..."; comm may
	 * hold anything, so it ends at the last ')' and the fields are counted from there. */
	char *open = strchr(buf, '(');
	char *p = strrchr(buf, ')');
	if (!open || !p || p < open)
		return -EINVAL;
	size_t clen = (size_t)(p - open - 1);
	st->comm_len = clen < sizeof st->comm ? clen : sizeof st->comm;
	memcpy(st->comm, open + 1, st->comm_len);
	p++;
	uint64_t field[22] = {0};
	for (int i = 0; i < 22; i++) { /* field[0] is the state, field[19] starttime, [21] rss */
		while (*p == ' ')
			p++;
		char *start = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		if (p == start)
			return -EINVAL;
		if (i > 0 && !parse_uint(start, (size_t)(p - start), &field[i]) && *start != '-')
			return -EINVAL;
	}
	st->ppid = (pid_t)field[1];
	st->sid = (pid_t)field[3];
	st->threads = (int)field[17];
	st->start_ticks = field[19];
	st->rss_pages = field[21];
	return 0;
}

/* "socket:[12345]" -> 12345; 0 for anything else. */
static uint64_t socket_inode(const char *link, ssize_t len)
{
	static const char prefix[] = "socket:[";
	const size_t plen = sizeof prefix - 1;
	uint64_t ino;
	if (len < (ssize_t)plen + 2 || memcmp(link, prefix, plen) != 0 || link[len - 1] != ']')
		return 0;
	if (!parse_uint(link + plen, (size_t)len - plen - 1, &ino))
		return 0;
	return ino;
}

int procdir_fd_is(int procfd, pid_t pid, int fd, uint64_t inode)
{
	char path[64], link[64];
	char *p = put_uint(path, (unsigned long)pid);
	memcpy(p, "/fd/", 4);
	*put_uint(p + 4, (unsigned long)fd) = '\0';
	ssize_t n = readlinkat(procfd, path, link, sizeof link);
	if (n < 0)
		return -errno;
	return socket_inode(link, n) == inode;
}

int procdir_scan_sockets(int procfd, pid_t pid, procdir_sock_fn *fn, void *ctx, unsigned *nfds)
{
	char path[64];
	pid_path(path, pid, "fd");
	if (nfds)
		*nfds = 0;
	int dfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	union dents_buf b;
	unsigned count = 0;
	ssize_t got;
	while ((got = getdents64(dfd, b.bytes, sizeof b.bytes)) > 0) {
		for (ssize_t off = 0; off < got;) {
			const struct dirent64 *d = (const struct dirent64 *)(b.bytes + off);
			off += d->d_reclen;
			uint64_t fd;
			if (!parse_uint(d->d_name, strlen(d->d_name), &fd) || fd > INT32_MAX)
				continue;
			char link[64];
			ssize_t n = readlinkat(dfd, d->d_name, link, sizeof link);
			count++;
			if (n < 0 && errno == EACCES) {
				/* the list was readable, the links are not (a protected process):
				 * the next ones will not be either */
				got = -1;
				break;
			}
			uint64_t ino = n > 0 ? socket_inode(link, n) : 0;
			if (ino)
				fn(ctx, pid, (int)fd, ino);
		}
		if (got < 0)
			break;
	}
	int rc = got < 0 && errno == EACCES ? -EACCES : 0;
	close(dfd);
	if (nfds)
		*nfds = count;
	return rc;
}

ssize_t procdir_read_pid_file(int procfd, pid_t pid, const char *name, char *buf, size_t cap)
{
	char path[64];
	pid_path(path, pid, name);
	return procdir_read_file(procfd, path, buf, cap);
}

ssize_t procdir_readlink(int procfd, pid_t pid, const char *name, char *buf, size_t cap)
{
	char path[64];
	pid_path(path, pid, name);
	ssize_t n = readlinkat(procfd, path, buf, cap - 1);
	if (n < 0) {
		buf[0] = '\0';
		return -errno;
	}
	buf[n] = '\0';
	return n;
}

long procdir_last_pid(int procfd)
{
	char buf[128];
	ssize_t n = procdir_read_file(procfd, "loadavg", buf, sizeof buf);
	if (n <= 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	const char *sp = strrchr(buf, ' ');
	uint64_t v;
	if (!sp || !parse_uint(sp + 1, strlen(sp + 1), &v))
		return -1;
	return (long)v;
}

int64_t procdir_system_stat(int procfd, const char *key)
{
	char *buf = NULL;
	size_t cap = 0;
	int64_t val = -1;
	size_t klen = strlen(key);
	if (procdir_slurp(procfd, "stat", &buf, &cap) > 0) {
		const char *p = buf;
		while (p && *p) {
			if (strncmp(p, key, klen) == 0 && p[klen] == ' ') {
				uint64_t v;
				p += klen + 1;
				if (parse_uint(p, strcspn(p, "\n"), &v) && v <= INT64_MAX)
					val = (int64_t)v;
				break;
			}
			if ((p = strchr(p, '\n')) != NULL)
				p++;
		}
	}
	free(buf);
	return val;
}

int64_t procdir_boot_time(int procfd)
{
	int64_t v = procdir_system_stat(procfd, "btime");
	return v > 0 ? v : 0;
}

int64_t procdir_read_number(int procfd, const char *path)
{
	char buf[32];
	ssize_t n = procdir_read_file(procfd, path, buf, sizeof buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	uint64_t v;
	return n > 0 && parse_uint(buf, (size_t)n, &v) && v <= INT64_MAX ? (int64_t)v : -1;
}

size_t procdir_sort_pids(pid_t *pids, size_t n)
{
	if (n > 1)
		qsort(pids, n, sizeof *pids, cmp_pid);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || pids[i] != pids[u - 1])
			pids[u++] = pids[i];
	return u;
}
