/* darwin_convert.c - libproc's structs -> listeners and proc_info; pure (see darwin_convert.h). */
#include "darwin_convert.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sanitize.h"

/* The socket's address into l: IPv4, IPv6, or IPv4 on an IPv6 socket (a v4-mapped bind), which
 * is shown as ::ffff:a.b.c.d like Linux shows it. False when the socket serves neither. */
static bool fill_address(int family, const struct in_sockinfo *in, struct listener *l)
{
	bool v4 = in->insi_vflag & INI_IPV4, v6 = in->insi_vflag & INI_IPV6;
	if (family == AF_INET) {
		l->family = FAMILY_V4;
		memcpy(l->addr, &in->insi_laddr.ina_46.i46a_addr4, 4);
		return true;
	}
	if (family != AF_INET6)
		return false;
	l->family = FAMILY_V6;
	if (v6) {
		memcpy(l->addr, &in->insi_laddr.ina_6, 16);
		/* A [::] bind without IPV6_V6ONLY serves IPv4 too. Another address has no choice:
		 * v6only describes only the wildcard (listener.h), as on Linux. */
		l->v6only = !v4 && listener_is_wildcard(l);
		return true;
	}
	if (!v4)
		return false;
	l->addr[10] = 0xff;
	l->addr[11] = 0xff;
	memcpy(l->addr + 12, &in->insi_laddr.ina_46.i46a_addr4, 4);
	return true;
}

bool darwin_listener_from_socket(const struct socket_fdinfo *fi, struct listener *out)
{
	const struct socket_info *si = &fi->psi;
	const struct in_sockinfo *in;
	memset(out, 0, sizeof *out);
	if (si->soi_kind == SOCKINFO_TCP) {
		if (si->soi_proto.pri_tcp.tcpsi_state != TSI_S_LISTEN)
			return false;
		in = &si->soi_proto.pri_tcp.tcpsi_ini;
		out->proto = PROTO_TCP;
	} else if (si->soi_kind == SOCKINFO_IN && si->soi_protocol == IPPROTO_UDP) {
		in = &si->soi_proto.pri_in;
		if (in->insi_fport != 0)
			return false; /* connected: a client, not a listener */
		out->proto = PROTO_UDP;
	} else {
		return false;
	}
	out->port = ntohs((uint16_t)in->insi_lport);
	if (out->port == 0 || !fill_address(si->soi_family, in, out))
		return false;
	out->uid = (uint32_t)si->soi_stat.vst_uid;
	out->inode = (uint64_t)si->soi_so;
	return true;
}

bool darwin_connection_of(const struct socket_fdinfo *fi, const struct listener *l)
{
	const struct socket_info *si = &fi->psi;
	if (l->proto != PROTO_TCP || si->soi_kind != SOCKINFO_TCP ||
	    si->soi_proto.pri_tcp.tcpsi_state != TSI_S_ESTABLISHED)
		return false;
	const struct in_sockinfo *in = &si->soi_proto.pri_tcp.tcpsi_ini;
	struct listener c;
	memset(&c, 0, sizeof c);
	if (ntohs((uint16_t)in->insi_lport) != l->port || !fill_address(si->soi_family, in, &c) ||
	    c.family != l->family)
		return false;
	return listener_is_wildcard(l) || memcmp(c.addr, l->addr, sizeof c.addr) == 0;
}

int darwin_add_listeners(struct listener_set *out, const struct socket_fdinfo *socks, size_t n)
{
	size_t first = out->n;
	for (size_t i = 0; i < n; i++) {
		struct listener l;
		if (!darwin_listener_from_socket(&socks[i], &l))
			continue;
		bool seen = false;
		for (size_t j = first; j < out->n && !seen; j++)
			seen = listener_key_cmp(&out->v[j], &l) == 0 && out->v[j].inode == l.inode;
		if (!seen && !listener_set_push(out, &l))
			return -ENOMEM;
	}
	return (int)(out->n - first);
}

/* By key, then inode (one socket), then pid. */
static int cmp_held(const void *a, const void *b)
{
	const struct darwin_held *x = a, *y = b;
	int c = listener_key_cmp(&x->sock, &y->sock);
	if (c)
		return c;
	if (x->sock.inode != y->sock.inode)
		return x->sock.inode < y->sock.inode ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static bool same_socket(const struct darwin_held *x, const struct darwin_held *y)
{
	return listener_key_cmp(&x->sock, &y->sock) == 0 && x->sock.inode == y->sock.inode;
}

int darwin_add_sockets(struct snapshot *out, struct darwin_held *held, size_t n)
{
	if (n == 0)
		return 0;
	qsort(held, n, sizeof *held, cmp_held);
	pid_t *pids = malloc(n * sizeof *pids);
	if (!pids)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0, j; i < n && rc == 0; i = j) {
		size_t npids = 0;
		for (j = i; j < n && same_socket(&held[j], &held[i]); j++)
			if (npids == 0 || pids[npids - 1] != held[j].pid)
				pids[npids++] = held[j].pid;
		rc = snapshot_add_socket(out, &held[i].sock, pids, npids, OWNER_KNOWN, NULL);
	}
	free(pids);
	return rc;
}

uint64_t darwin_start_id(const struct proc_bsdinfo *bsd)
{
	return (uint64_t)bsd->pbi_start_tvsec * 1000000u + (uint64_t)bsd->pbi_start_tvusec;
}

/* A fixed-size name field that is NUL-terminated unless it fills its array. */
static void copy_name(char *dst, size_t cap, const char *field, size_t size)
{
	size_t n = 0;
	while (n < size && field[n])
		n++;
	sanitize_text(dst, cap, field, n);
}

void darwin_args_to_cmdline(const char *buf, size_t len, char *out, size_t cap)
{
	char raw[2 * PROC_CMDLINE_MAX]; /* more than fits once sanitized: the cut still shows "…" */
	size_t rlen = 0, keep = 0;
	int argc;
	out[0] = '\0';
	if (!buf || len < sizeof argc)
		return;
	memcpy(&argc, buf, sizeof argc);
	size_t i = sizeof argc;
	while (i < len && buf[i]) /* the executable's path */
		i++;
	while (i < len && !buf[i]) /* its padding */
		i++;
	for (int a = 0; a < argc && i < len && rlen < sizeof raw; a++) {
		const char *arg = buf + i;
		size_t alen = 0;
		while (i + alen < len && arg[alen])
			alen++;
		if (i + alen == len)
			break; /* cut off: not a whole argument */
		i += alen + 1;
		if (a > 0)
			raw[rlen++] = ' ';
		if (alen > sizeof raw - rlen)
			alen = sizeof raw - rlen;
		memcpy(raw + rlen, arg, alen);
		rlen += alen;
		if (alen)
			keep = rlen; /* trailing empty arguments are dropped */
	}
	sanitize_text(out, cap, raw, keep);
}

int darwin_proc_from_info(const struct darwin_proc_src *src, struct darwin_proc_text *text,
                          struct proc_info *out)
{
	memset(out, 0, sizeof *out);
	memset(text, 0, sizeof *text);
	out->comm = text->comm;
	out->user = text->user;
	out->cmdline = text->cmdline;
	out->cwd = text->cwd;
	out->exe = text->exe;
	out->project_root = text->project_root;
	out->id.pid = src->pid;
	if (src->bsd) {
		const struct proc_bsdinfo *b = src->bsd;
		out->id.start_ticks = darwin_start_id(b);
		out->start_time = (int64_t)b->pbi_start_tvsec;
		out->ppid = (pid_t)b->pbi_ppid;
		out->uid = (uint32_t)b->pbi_uid;
		if (b->pbi_name[0])
			copy_name(text->comm, sizeof text->comm, b->pbi_name, sizeof b->pbi_name);
		else
			copy_name(text->comm, sizeof text->comm, b->pbi_comm, sizeof b->pbi_comm);
	} else if (src->shortbsd) {
		const struct proc_bsdshortinfo *s = src->shortbsd;
		out->ppid = (pid_t)s->pbsi_ppid;
		out->uid = (uint32_t)s->pbsi_uid;
		copy_name(text->comm, sizeof text->comm, s->pbsi_comm, sizeof s->pbsi_comm);
	} else {
		out->id.pid = 0;
		return -ESRCH;
	}
	if (src->task) {
		out->rss_kib = src->task->pti_resident_size / 1024;
		out->threads = (int)src->task->pti_threadnum;
	}
	if (src->vnode)
		copy_name(text->cwd, sizeof text->cwd, src->vnode->pvi_cdir.vip_path,
		          sizeof src->vnode->pvi_cdir.vip_path);
	if (src->exe && src->exe_len)
		sanitize_text(text->exe, sizeof text->exe, src->exe, src->exe_len);
	darwin_args_to_cmdline(src->args, src->args_len, text->cmdline, sizeof text->cmdline);
	if (src->user && src->user[0])
		sanitize_text(text->user, sizeof text->user, src->user, strlen(src->user));
	else
		snprintf(text->user, sizeof text->user, "%u", out->uid);
	return 0;
}

int darwin_proc_copy_strings(struct proc_info *p, struct arena *strings)
{
	return proc_info_copy(p, p, strings);
}
