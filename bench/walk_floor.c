/* The kernel floor of `levee scan`'s advisory walk, measured without Rust.
 *
 * Makes exactly the system calls the walk needs for one lockfile and nothing
 * else (no parsing): list `crates/`, then for every wanted crate open
 * `crates/<name>/`, list it, and read each file in it to the end.
 *
 *   names:  sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.lock | sort -u > names.txt
 *   build:  cc -O2 bench/walk_floor.c -o /tmp/walk_floor
 *           cc -O2 -DURING bench/walk_floor.c -o /tmp/walk_floor_uring -luring   (liburing-dev)
 *   run:    /tmp/walk_floor advisory-db/crates names.txt
 *
 * Variants (environment, fifth session): WALK_ONE_READ=1 reads each file
 * once instead of until EOF, WALK_ONE_DENTS=1 stops listing a directory
 * after a short getdents64, WALK_NO_CLOSE=1 never closes (needs ulimit -n
 * above the file count). None of them made the walk faster (BENCHMARKS.md).
 *
 * With -DURING the files are opened, read and closed through io_uring
 * (linked openat_direct -> read -> close_direct, one submission for all),
 * the directories still with getdents64, which io_uring does not offer.
 * Single-threaded; prints directories, files and wall time.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef URING
#include <liburing.h>
#define SLOTS 1024
#define BUFSZ 65536
static char bufs[SLOTS][BUFSZ];
#endif

#define MAXF 8192
static char dbuf[32768], fbuf[1 << 20];
static char names[MAXF][64];
static int owner[MAXF];

static double ms(struct timespec a, struct timespec b) {
    return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s CRATES_DIR NAMES_FILE\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    const int one_read = getenv("WALK_ONE_READ") != NULL;
    const int one_dents = getenv("WALK_ONE_DENTS") != NULL;
    const int no_close = getenv("WALK_NO_CLOSE") != NULL;
    (void)one_read;
    (void)no_close;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int crates = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (crates < 0) {
        perror(argv[1]);
        return 2;
    }
    long n;
    while ((n = syscall(SYS_getdents64, crates, dbuf, sizeof dbuf)) > 0) {
    }
    char line[512];
    int nd = 0, nf = 0, errs = 0;
    static int dirs[MAXF];
    (void)dirs;
    (void)fbuf;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        int d = openat(crates, line, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0)
            continue; /* no advisories for this crate */
        dirs[nd++] = d;
        int first = nf;
        (void)first;
        while ((n = syscall(SYS_getdents64, d, dbuf, sizeof dbuf)) > 0) {
            for (long off = 0; off < n;) {
                struct dirent64 *e = (void *)(dbuf + off);
                if (e->d_name[0] != '.' && nf < MAXF && strlen(e->d_name) < 64) {
                    strcpy(names[nf], e->d_name);
                    owner[nf++] = d;
                }
                off += e->d_reclen;
            }
            if (one_dents && n < (long)sizeof dbuf / 2)
                break;
        }
#ifndef URING
        for (int i = first; i < nf; i++) {
            int fd = openat(d, names[i], O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                errs++;
                continue;
            }
            if (one_read) {
                if (read(fd, fbuf, sizeof fbuf) < 0)
                    errs++;
            } else {
                while (read(fd, fbuf, sizeof fbuf) > 0) {
                }
            }
            if (!no_close)
                close(fd);
        }
        if (!no_close)
            close(d);
#endif
    }
#ifdef URING
    struct io_uring ring;
    if (io_uring_queue_init(4096, &ring, 0) || io_uring_register_files_sparse(&ring, SLOTS)) {
        fprintf(stderr, "io_uring unavailable\n");
        return 2;
    }
    for (int base = 0; base < nf; base += SLOTS) {
        int m = nf - base < SLOTS ? nf - base : SLOTS;
        for (int i = 0; i < m; i++) {
            struct io_uring_sqe *s = io_uring_get_sqe(&ring);
            io_uring_prep_openat_direct(s, owner[base + i], names[base + i], O_RDONLY, 0, i);
            s->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
            s = io_uring_get_sqe(&ring);
            io_uring_prep_read(s, i, bufs[i], BUFSZ, 0);
            s->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
            s = io_uring_get_sqe(&ring);
            io_uring_prep_close_direct(s, i);
            s->flags |= IOSQE_CQE_SKIP_SUCCESS;
            if (io_uring_sq_space_left(&ring) < 3)
                io_uring_submit(&ring);
        }
        io_uring_submit_and_wait(&ring, m);
        for (int got = 0; got < m; got++) {
            struct io_uring_cqe *c;
            io_uring_wait_cqe(&ring, &c);
            if (c->res < 0)
                errs++;
            io_uring_cqe_seen(&ring, c);
        }
    }
    for (int i = 0; i < nd; i++)
        close(dirs[i]);
#endif
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%d dirs, %d files, %d errors: %.2f ms\n", nd, nf, errs, ms(a, b));
    return errs != 0;
}
