/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The steps of bench/veth for each library, shared by its one-tool programs
 * (veth-nsbox.c, veth-mnl.c, veth-libnl.c) and by veth-interleaved.c, so
 * that both measure the same requests. *_init() makes the tool's bridge br0
 * (up) in the network namespace nsfd, or in the caller's with -1, and keeps
 * a socket there; *_pair() makes one veth pair: host end on br0, both ends
 * up, cidr on the peer. Any failure ends the program.
 */
#ifndef BENCH_VETH_PAIRS_H
#define BENCH_VETH_PAIRS_H

void nsbox_init(int nsfd);
void nsbox_pair(const char *host, const char *peer, const char *cidr);
void nsbox_fini(void);

void mnl_init(int nsfd);
void mnl_pair(const char *host, const char *peer, const char *cidr);
void mnl_fini(void);

void libnl_init(int nsfd);
void libnl_pair(const char *host, const char *peer, const char *cidr);
void libnl_fini(void);

#endif
