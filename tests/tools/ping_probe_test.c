/*
 * ping_probe_test: pft_ping's probes are byte for byte what pft_ping.py
 * has scapy build for the same command line (golden.h, made with scapy
 * by golden_scapy.py), and the tcp3way ACK answers a SYN-ACK.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "../../tools/common/pk_argparse.c"
#include "../../tools/pft_ping/ping_opts.c"
#include "../../tools/pft_ping/ping_probe.c"
#include "golden.h"
#include "toolunit.h"

static struct pk_err err;

/* The sender's environment golden_scapy.py assumes. */
static void
env_for(const struct ping_opts *o, struct ping_env *env)
{

	memset(env, 0, sizeof(*env));
	memcpy(env->src_mac, "\x02\0\0\0\0\x01", 6);
	memcpy(env->dst_mac, "\x02\0\0\0\0\x02", 6);
	if (o->af == AF_INET)
		inet_pton(AF_INET, "192.0.2.1", &env->src.v4);
	else
		inet_pton(AF_INET6, "2001:db8::1", &env->src.v6);
}

/* The frames of f in hex, joined by ','. */
static char *
hex(const struct ping_frames *f)
{
	size_t i, j, n, total;
	char *s;

	total = 1;
	for (i = 0; i < f->n; i++)
		total += f->len[i] * 2 + 1;
	ATF_REQUIRE((s = malloc(total)) != NULL);
	n = 0;
	for (i = 0; i < f->n; i++) {
		if (i > 0)
			s[n++] = ',';
		for (j = 0; j < f->len[i]; j++)
			n += (size_t)snprintf(s + n, total - n, "%02x",
			    f->buf[i][j]);
	}
	s[n] = '\0';
	return (s);
}

static char *
build(const char *cmd, struct ping_opts *o)
{
	struct tu_argv a;
	struct ping_env env;
	struct ping_frames f;
	char *s;

	tu_split(&a, "pft_ping", cmd);
	ATF_REQUIRE_EQ_MSG(ping_opts_parse(o, a.c, a.v, &err), 0, "%s: %s",
	    cmd, err.msg);
	env_for(o, &env);
	ATF_REQUIRE_EQ_MSG(ping_probe_build(o, &env, 0x1234, &f, &err), 0,
	    "%s: %s", cmd, err.msg);
	s = hex(&f);
	ping_frames_free(&f);
	tu_free(&a);
	return (s);
}

ATF_TC_WITHOUT_HEAD(probes_match_what_scapy_builds);
ATF_TC_BODY(probes_match_what_scapy_builds, tc)
{
	struct ping_opts o;
	size_t i;
	char *s;

	for (i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		s = build(goldens[i].cmd, &o);
		ATF_CHECK_STREQ_MSG(s, goldens[i].hex, "%s", goldens[i].cmd);
		free(s);
	}
}

ATF_TC_WITHOUT_HEAD(fragments_reassemble_to_the_whole_probe);
ATF_TC_BODY(fragments_reassemble_to_the_whole_probe, tc)
{
	static const char *const cmds[] = {
		"--sendif e0 --to 198.51.100.2 --recvif e1 "
		    "--send-length 3000 --send-frag-length 1000",
		"--sendif e0 --to 2001:db8::2 --recvif e1 "
		    "--send-length 3000 --send-frag-length 1001",
	};
	struct tu_argv a;
	struct ping_opts o, whole;
	struct ping_env env;
	struct ping_frames f, w;
	struct pk_reasm *r;
	struct pk_reasm_dgram dg;
	size_t i, j;
	int rc;

	for (i = 0; i < 2; i++) {
		tu_split(&a, "pft_ping", cmds[i]);
		ATF_REQUIRE_EQ(ping_opts_parse(&o, a.c, a.v, &err), 0);
		whole = o;
		whole.send_frag_length = 0;
		env_for(&o, &env);
		ATF_REQUIRE_EQ(ping_probe_build(&o, &env, 7, &f, &err), 0);
		ATF_REQUIRE_EQ(ping_probe_build(&whole, &env, 7, &w, &err),
		    0);
		ATF_CHECK_EQ(f.n, 4);
		ATF_REQUIRE((r = pk_reasm_new(NULL, &err)) != NULL);
		rc = PK_REASM_NOTFRAG;
		for (j = 0; j < f.n; j++) {
			ATF_CHECK_MSG(f.len[j] <= 14 + 48 + 1000,
			    "fragment %zu of %zu bytes", j, f.len[j]);
			rc = pk_reasm_add(r, f.buf[j], f.len[j],
			    PK_DLT_EN10MB, &dg);
		}
		ATF_REQUIRE_EQ(rc, PK_REASM_DONE);
		/* The datagram is the unfragmented probe's IP packet. */
		ATF_REQUIRE_EQ(dg.len, w.len[0] - 14);
		ATF_CHECK(memcmp(dg.buf + (i == 0 ? 20 : 40),
		    w.buf[0] + 14 + (i == 0 ? 20 : 40),
		    dg.len - (i == 0 ? 20 : 40)) == 0);
		pk_reasm_free(r);
		ping_frames_free(&f);
		ping_frames_free(&w);
		tu_free(&a);
	}
}

ATF_TC_WITHOUT_HEAD(ack_completes_the_handshake);
ATF_TC_BODY(ack_completes_the_handshake, tc)
{
	struct tu_argv a;
	struct ping_opts o;
	struct ping_env env;
	struct pk_dpkt d, ad;
	const struct pk_dlayer *l;
	uint8_t synack[256], ack[256];
	size_t len, alen;

	tu_split(&a, "pft_ping", "--sendif e0 --to 192.0.2.2 --replyif e0 "
	    "--ping-type tcp3way --send-sport 4201 --send-seq 100");
	ATF_REQUIRE_EQ(ping_opts_parse(&o, a.c, a.v, &err), 0);
	env_for(&o, &env);
	ATF_REQUIRE_EQ(pk_pkt_build(PK_PKT(PK_ETHER(), PK_IP4(.src =
	    "192.0.2.2", .dst = "192.0.2.1"), PK_TCP(.sport = 9,
	    .dport = 4201, .seq = 5000, .ack = 101,
	    .flags = PK_TH_SYN | PK_TH_ACK)), NULL, synack, sizeof(synack),
	    &len, &err), 0);
	ATF_REQUIRE_EQ(pk_dissect(synack, len, PK_DLT_EN10MB, &d), 0);
	ATF_REQUIRE_EQ(ping_ack_build(&o, &env, &d, ack, sizeof(ack), &alen,
	    &err), 0);
	ATF_REQUIRE_EQ(pk_dissect(ack, alen, PK_DLT_EN10MB, &ad), 0);
	ATF_REQUIRE((l = pk_dpkt_find(&ad, PK_PROTO_TCP, 0)) != NULL);
	ATF_CHECK_EQ(l->u.tcp.sport, 4201);
	ATF_CHECK_EQ(l->u.tcp.dport, 9);
	ATF_CHECK_EQ(l->u.tcp.seq, 101);
	ATF_CHECK_EQ(l->u.tcp.ack, 5001);
	ATF_CHECK_EQ(l->u.tcp.flags, PK_TH_ACK);
	ATF_CHECK_EQ(l->cksum, PK_CKSUM_OK);
	ATF_CHECK_EQ(memcmp(ack, env.dst_mac, 6), 0);
	tu_free(&a);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, probes_match_what_scapy_builds);
	ATF_TP_ADD_TC(tp, fragments_reassemble_to_the_whole_probe);
	ATF_TP_ADD_TC(tp, ack_completes_the_handshake);
	return (atf_no_error());
}
