/* cache_file.c - private cache files, read and written defensively (see cache_file.h). */
#include "cache_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* base + "/" + tail into out, when base is an absolute path. */
static int join(char *out, size_t len, const char *base, const char *tail)
{
	if (!base || base[0] != '/')
		return -ENOENT;
	int n = snprintf(out, len, "%s/%s", base, tail);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

int cache_dir_resolve(char *out, size_t len)
{
	const char *env = getenv("DEVPORTS_CACHE_DIR");
	if (env && env[0]) {
		int n = snprintf(out, len, "%s", env);
		return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
	}
	if (geteuid() == 0)
		return join(out, len, "/run", "devports");
	int rc = join(out, len, getenv("XDG_RUNTIME_DIR"), "devports");
	if (rc == -ENOENT)
		rc = join(out, len, getenv("XDG_CACHE_HOME"), "devports");
	if (rc == -ENOENT)
		rc = join(out, len, getenv("HOME"), ".cache/devports");
	return rc;
}

/* mkdir dir 0700, and its parent first when that is missing (~/.cache). */
static void make_dir(const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno != ENOENT)
		return;
	char parent[4096];
	int n = snprintf(parent, sizeof parent, "%s", dir);
	char *slash = n > 0 && (size_t)n < sizeof parent ? strrchr(parent, '/') : NULL;
	if (!slash || slash == parent)
		return;
	*slash = '\0';
	if (mkdir(parent, 0700) == 0)
		(void)mkdir(dir, 0700);
}

/* An fd of dir when it is a real folder of this user's (its modes narrowed to 0700). */
static int open_dir(const char *dir, bool create, const char **why)
{
	if (create)
		make_dir(dir);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		struct stat link;
		/* O_NOFOLLOW with O_DIRECTORY refuses a symlink with ENOTDIR, not ELOOP */
		bool symlink = (err == ELOOP || err == ENOTDIR) && lstat(dir, &link) == 0 &&
		               S_ISLNK(link.st_mode);
		*why = symlink         ? "unsafe folder (a symlink)"
		       : err == ENOENT ? "missing"
		                       : "unusable folder";
		return -err;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
		close(fd);
		*why = "unsafe folder (owned by another user)";
		return -EPERM;
	}
	if ((st.st_mode & 077) && fchmod(fd, 0700) < 0) {
		close(fd);
		*why = "unsafe folder (open to others)";
		return -EPERM;
	}
	return fd;
}

int cache_file_read(const char *dir, const char *name, size_t max, void **buf, size_t *len,
                    const char **why)
{
	*buf = NULL;
	*len = 0;
	int dfd = open_dir(dir, false, why);
	if (dfd < 0)
		return dfd;
	/* O_NONBLOCK: a FIFO must not stall the open; it is refused below */
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	int err = errno;
	close(dfd);
	if (fd < 0) {
		*why = err == ENOENT ? "missing" : err == ELOOP ? "a symlink" : "unreadable";
		return -err;
	}
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) < 0) {
		*why = "unreadable";
		rc = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		rc = -EINVAL;
	} else if (st.st_uid != geteuid()) {
		*why = "owned by another user";
		rc = -EPERM;
	} else if (st.st_size == 0) {
		*why = "empty";
		rc = -ENODATA;
	} else if ((size_t)st.st_size > max) {
		*why = "too large";
		rc = -EFBIG;
	}
	char *b = rc == 0 ? malloc(max + 1) : NULL;
	if (rc == 0 && !b) {
		*why = "out of memory";
		rc = -ENOMEM;
	}
	size_t got = 0;
	while (rc == 0 && got <= max) { /* one byte more than allowed: it grew */
		ssize_t r = read(fd, b + got, max + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = "unreadable";
			rc = -errno;
		}
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (rc == 0 && got > max) {
		*why = "too large";
		rc = -EFBIG;
	} else if (rc == 0 && got == 0) {
		*why = "empty";
		rc = -ENODATA;
	}
	if (rc < 0) {
		free(b);
		return rc;
	}
	*buf = b;
	*len = got;
	return 0;
}

/* Removes the temporary files ("NAME.PID.N.tmp") of writers that died before their rename. */
static void sweep_temporaries(int dfd, const char *name)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	size_t n = strlen(name);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *s = e->d_name;
		char *end;
		if (strncmp(s, name, n) != 0 || s[n] != '.')
			continue;
		long pid = strtol(s + n + 1, &end, 10);
		size_t tail = strlen(end);
		if (pid <= 0 || *end != '.' || tail < 4 || strcmp(end + tail - 4, ".tmp") != 0)
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			unlinkat(dfd, s, 0);
	}
	closedir(d);
}

int cache_file_write(const char *dir, const char *name, const void *buf, size_t len,
                     const char **why)
{
	int dfd = open_dir(dir, true, why);
	if (dfd < 0)
		return dfd;
	static unsigned counter;
	char tmp[256];
	int n = snprintf(tmp, sizeof tmp, "%s.%ld.%u.tmp", name, (long)getpid(), counter++);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		close(dfd);
		*why = "name too long";
		return -ENAMETOOLONG;
	}
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int err = errno;
		close(dfd);
		*why = "cannot create a file in the folder";
		return -err;
	}
	int rc = 0;
	for (size_t done = 0; done < len && rc == 0;) {
		ssize_t w = write(fd, (const char *)buf + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = w < 0 ? -errno : -EIO;
		else
			done += (size_t)w;
	}
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && renameat(dfd, tmp, dfd, name) < 0)
		rc = -errno;
	if (rc < 0) {
		*why = rc == -EISDIR ? "a folder is in the way" : "cannot write";
		unlinkat(dfd, tmp, 0);
	} else {
		sweep_temporaries(dfd, name);
	}
	close(dfd);
	return rc;
}
