/* owners_impl.h - the owner cache's insides, shared by owners.c and owners_complete.c only. */
#ifndef DEVPORTS_OWNERS_IMPL_H
#define DEVPORTS_OWNERS_IMPL_H

#include "owners.h"
#include "procdir.h"

#include <stdbool.h>

enum entry_state {
	ENTRY_NEW,   /* no holder known yet: to be searched */
	ENTRY_KNOWN, /* holders known, each verified every OWNERS_VERIFY_POLLS polls (owners.h) */
	ENTRY_MISS,  /* a full pass found no holder: retried after retry_at */
};

/* One listening socket. */
struct owner_entry {
	uint64_t inode;
	uint32_t since; /* the update that first listed it */
	struct owner_holder *h;
	uint32_t nh, caph;
	uint8_t state;    /* enum entry_state */
	bool sought;      /* searched by the current discovery */
	bool tried;       /* a discovery has looked for it already (the next will go deep) */
	bool found_now;   /* got its first holder this poll: completion looks for the others */
	bool seed_failed; /* the first update from a seed: every holder the seed named failed */
	double retry_at;  /* ENTRY_MISS: monotonic seconds */
	double retry_delay;
};

/* One process of the last process listing. */
struct owner_pid {
	pid_t pid;
	uint32_t first_seen; /* the update that first listed it */
	uint32_t scanned;    /* the update that last read its fds */
	pid_t ppid;          /* the parent when first read (kept after a reparenting: inheritance
	                      * is what completion follows); valid when ppid_read */
	bool ppid_read;
	uint64_t start_ticks; /* read with ppid (0: not read) */
	bool holds;           /* held a listed socket at the last look */
	bool related;         /* completion: the parent of a holder */
};

struct owners {
	int procfd;
	uint32_t tick;        /* updates so far */
	uint32_t listed;      /* the update of the last process listing */
	uint32_t prev_listed; /* the update of the listing before it */
	uint32_t full_listed; /* the update of the last listing of every process */
	long last_pid;        /* the last allocated pid when the list was last read */
	long pid_base;        /* procdir_list_pids()'s base; 0: only full listings */
	double deep_allowed_at;
	bool oom;
	bool hit_found; /* a scan just met a found_now socket */
	size_t unfound; /* sought sockets still without a holder */

	struct owners_seed *seed; /* given for the first update; NULL once applied */
	const char *seed_result;  /* owners_seed_result() */
	bool seeded;              /* the first update started from a seed */
	bool want_export;         /* owners_want_export() for the next update... */
	int64_t want_forks;       /* ...and the counters it read, before the sockets were */
	long want_last_pid;
	int64_t export_forks; /* for owners_export(): the fork count and the last pid read */
	long export_last_pid; /*   before the sockets of update export_tick were */
	uint32_t export_tick;

	struct owner_entry *e, *etmp; /* sorted by inode */
	size_t ne, cape, capetmp;
	struct owner_pid *p, *ptmp; /* sorted by pid */
	size_t np, capp, capptmp;
	pid_t *list;
	size_t nlist, caplist;
	uint64_t *wanted;
	size_t nwanted, capwanted;

	struct owners_stats stats;
};

struct owner_entry *owners_find(const struct owners *o, uint64_t inode);
struct owner_pid *owners_find_pid(const struct owners *o, pid_t pid);
/* Reads p's fds and records every listed socket it holds; marks p scanned this update. */
void owners_scan_pid(struct owners *o, struct owner_pid *p);
/* The parent of p as first read, from /proc/PID/stat once in its life (0 when gone). */
pid_t owners_parent_of(struct owners *o, struct owner_pid *p);
/* Records that pid holds inode at fd (when inode is a listed socket). */
void owners_add_holder(struct owners *o, pid_t pid, int fd, uint64_t inode);
/* Reads the fds of order[0..n) (the first update's pass), over a few threads. Returns 0. */
int owners_full_pass(struct owners *o, struct owner_pid **order, size_t n);
/* A holder named by a seed, to check: whether /proc/PID/fd/FD still links to inode and the
 * process has those start ticks (holds), and its parent then. */
struct owner_check {
	pid_t pid;
	int fd;
	uint64_t inode, start_ticks;
	pid_t ppid;
	bool holds;
};
/* Checks c[0..n) (over a few threads when there are many); reads files only. */
void owners_check_all(const struct owners *o, struct owner_check *c, size_t n);
/* Completion (owners.h, step 4) for the entries marked found_now. Returns 0 or -ENOMEM. */
int owners_complete(struct owners *o);

#endif
