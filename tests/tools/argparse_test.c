/*
 * argparse_test: the tools read command lines as Python's argparse did
 * for the scripts they replace, errors included (the expected messages
 * are what Python 3.11's argparse printed for the same words).
 */
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include <atf-c.h>

#include "../../tools/common/pk_argparse.c"
#include "../../tools/pft_ping/ping_opts.c"
#include "toolunit.h"

#define	BASE	"--sendif e0 --to 192.0.2.2 "

static struct ping_opts o;
static struct pk_err err;

/* Parse a pft_ping command line; returns what ping_opts_parse() did. */
static int
parse(const char *cmd)
{
	struct tu_argv a;
	static struct tu_argv keep;
	int rc;

	/* The options point into argv: keep the last one alive. */
	tu_free(&keep);
	tu_split(&a, "pft_ping", cmd);
	pk_err_clear(&err);
	rc = ping_opts_parse(&o, a.c, a.v, &err);
	keep = a;
	return (rc);
}

/* The command line is a usage error with exactly this message. */
#define	USAGE(cmd, want) do {						\
	ATF_CHECK_EQ_MSG(parse(cmd), -1, "%s: accepted", (cmd));	\
	ATF_CHECK_STREQ_MSG(err.msg, (want), "%s", (cmd));		\
} while (0)

ATF_TC_WITHOUT_HEAD(long_option_value_after_space_or_equals);
ATF_TC_BODY(long_option_value_after_space_or_equals, tc)
{

	ATF_REQUIRE_EQ(parse("--sendif=e0 --to 192.0.2.2 --recvif=e1 "
	    "--send-tc=3 --send-hlim 7"), 0);
	ATF_CHECK_STREQ(o.sendif, "e0");
	ATF_CHECK_STREQ(o.to, "192.0.2.2");
	ATF_CHECK_EQ(o.nrecvif, 1);
	ATF_CHECK_STREQ(o.recvif[0], "e1");
	ATF_CHECK_EQ(o.send_tc, 3);
	ATF_CHECK_EQ(o.send_hlim, 7);
	/* An empty value after '=' is a value. */
	ATF_REQUIRE_EQ(parse(BASE "--recvif e1 --fromaddr="), 0);
	ATF_CHECK_STREQ(o.fromaddr, "");
	ATF_CHECK_EQ(o.from_given, 0);
}

ATF_TC_WITHOUT_HEAD(unambiguous_prefix_names_the_option);
ATF_TC_BODY(unambiguous_prefix_names_the_option, tc)
{

	/* forward.sh and route_to.sh really write these. */
	ATF_REQUIRE_EQ(parse(BASE "--recv e1 e2 --from 192.0.2.1"), 0);
	ATF_CHECK_EQ(o.nrecvif, 2);
	ATF_CHECK_STREQ(o.recvif[1], "e2");
	ATF_CHECK_STREQ(o.fromaddr, "192.0.2.1");
	ATF_REQUIRE_EQ(parse(BASE "--recv=e1 --send-len 6 --ver"), 0);
	ATF_CHECK_EQ(o.send_length, 6);
	ATF_CHECK_EQ(o.verbose, 1);
}

ATF_TC_WITHOUT_HEAD(ambiguous_prefix_is_a_usage_error);
ATF_TC_BODY(ambiguous_prefix_is_a_usage_error, tc)
{

	USAGE(BASE "--recvif e1 --send-t 3", "ambiguous option: --send-t "
	    "could match --send-tc, --send-tcpopt-unaligned, --send-tos");
	USAGE(BASE "--recvif e1 --tcp", "ambiguous option: --tcp could "
	    "match --tcpsyn, --tcpopt_unaligned");
	/* Found before a bad value that comes earlier. */
	USAGE(BASE "--send-hlim x --recvif e1 --expect-t 3",
	    "ambiguous option: --expect-t could match --expect-tc, "
	    "--expect-tos");
}

ATF_TC_WITHOUT_HEAD(list_option_takes_words_up_to_the_next_option);
ATF_TC_BODY(list_option_takes_words_up_to_the_next_option, tc)
{

	ATF_REQUIRE_EQ(parse("--replyif a b --sendif e0 --recvif c "
	    "--to 192.0.2.2"), 0);
	ATF_CHECK_EQ(o.nreplyif, 2);
	ATF_CHECK_STREQ(o.replyif[0], "a");
	ATF_CHECK_STREQ(o.replyif[1], "b");
	ATF_CHECK_EQ(o.nrecvif, 1);
	/* Words that look like values: "-", a negative number. */
	ATF_REQUIRE_EQ(parse(BASE "--recvif - -1"), 0);
	ATF_CHECK_EQ(o.nrecvif, 2);
	ATF_CHECK_STREQ(o.recvif[0], "-");
	ATF_CHECK_STREQ(o.recvif[1], "-1");
}

ATF_TC_WITHOUT_HEAD(option_given_twice_keeps_the_last);
ATF_TC_BODY(option_given_twice_keeps_the_last, tc)
{

	ATF_REQUIRE_EQ(parse(BASE "--recvif a --recvif b c --send-tc 1 "
	    "--send-tc 2"), 0);
	ATF_CHECK_EQ(o.nrecvif, 2);
	ATF_CHECK_STREQ(o.recvif[0], "b");
	ATF_CHECK_STREQ(o.recvif[1], "c");
	ATF_CHECK_EQ(o.send_tc, 2);
}

ATF_TC_WITHOUT_HEAD(missing_value_is_a_usage_error);
ATF_TC_BODY(missing_value_is_a_usage_error, tc)
{

	USAGE(BASE "--recvif", "argument --recvif: expected at least one "
	    "argument");
	USAGE(BASE "--recvif --to x", "argument --recvif: expected at least "
	    "one argument");
	USAGE(BASE "--recvif e1 --fromaddr -x", "argument --fromaddr: "
	    "expected one argument");
	USAGE("--sendif e0 --recvif e1 --to", "argument --to: expected one "
	    "argument");
}

ATF_TC_WITHOUT_HEAD(integers_are_read_as_python_int_does);
ATF_TC_BODY(integers_are_read_as_python_int_does, tc)
{
	int64_t v;

	ATF_CHECK(pk_args_int("42", &v) == 0 && v == 42);
	ATF_CHECK(pk_args_int(" +12\t", &v) == 0 && v == 12);
	ATF_CHECK(pk_args_int("-5", &v) == 0 && v == -5);
	ATF_CHECK(pk_args_int("1_000", &v) == 0 && v == 1000);
	ATF_CHECK(pk_args_int("007", &v) == 0 && v == 7);
	ATF_CHECK(pk_args_int("-9223372036854775808", &v) == 0 &&
	    v == INT64_MIN);
	ATF_CHECK_EQ(pk_args_int("0x42", &v), -1);
	ATF_CHECK_EQ(pk_args_int("1__0", &v), -1);
	ATF_CHECK_EQ(pk_args_int("_1", &v), -1);
	ATF_CHECK_EQ(pk_args_int("1_", &v), -1);
	ATF_CHECK_EQ(pk_args_int("", &v), -1);
	ATF_CHECK_EQ(pk_args_int("-", &v), -1);
	ATF_CHECK_EQ(pk_args_int("1.5", &v), -1);
	ATF_CHECK_EQ(pk_args_int("9223372036854775808", &v), -2);
	USAGE(BASE "--recvif e1 --send-hlim 0x42", "argument --send-hlim: "
	    "invalid int value: '0x42'");
	USAGE(BASE "--recvif e1 --send-hlim it's", "argument --send-hlim: "
	    "invalid int value: \"it's\"");
}

ATF_TC_WITHOUT_HEAD(choices_and_required_and_leftovers);
ATF_TC_BODY(choices_and_required_and_leftovers, tc)
{

	USAGE(BASE "--recvif e1 --ping-type foo", "argument --ping-type: "
	    "invalid choice: 'foo' (choose from 'icmp', 'tcpsyn', "
	    "'tcp3way', 'udp')");
	USAGE("--recvif e1", "the following arguments are required: "
	    "--sendif, --to");
	USAGE(BASE "--recvif e1 --bogus x", "unrecognized arguments: "
	    "--bogus x");
	USAGE(BASE "--recvif e1 -- --to", "unrecognized arguments: -- --to");
	/* Required arguments are reported before leftovers. */
	USAGE("--to 192.0.2.2 x", "the following arguments are required: "
	    "--sendif");
}

ATF_TC_WITHOUT_HEAD(short_flags_group_and_refuse_glued_values);
ATF_TC_BODY(short_flags_group_and_refuse_glued_values, tc)
{

	ATF_REQUIRE_EQ(parse(BASE "--recvif e1 -vv"), 0);
	ATF_CHECK_EQ(o.verbose, 1);
	USAGE(BASE "--recvif e1 -vx", "argument -v/--verbose: ignored "
	    "explicit argument 'x'");
	USAGE(BASE "--recvif e1 --verbose=1", "argument -v/--verbose: "
	    "ignored explicit argument '1'");
}

ATF_TC_WITHOUT_HEAD(help_stops_parsing_where_it_stands);
ATF_TC_BODY(help_stops_parsing_where_it_stands, tc)
{
	char buf[8192];
	const char *p, *nl;
	size_t n;

	ATF_CHECK_EQ(parse("-h --send-hlim x"), PK_ARGS_HELP);
	ATF_CHECK_EQ(parse("--he"), PK_ARGS_HELP);
	ATF_CHECK_EQ(parse("-vh"), PK_ARGS_HELP);
	USAGE("--send-hlim x -h", "argument --send-hlim: invalid int value: "
	    "'x'");
	n = ping_opts_help(buf, sizeof(buf));
	ATF_REQUIRE(n > 0 && n < sizeof(buf));
	ATF_CHECK(strncmp(buf, "usage: pft_ping [-h] --sendif SENDIF --to TO",
	    44) == 0);
	ATF_CHECK(strstr(buf, "  --recvif RECVIF [RECVIF ...]\n") != NULL);
	ATF_CHECK(strstr(buf, "  -v, --verbose ") != NULL);
	/* Lines wrap before column 80, as argparse's do. */
	for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		ATF_CHECK_MSG(nl - p < 80, "help line of %d columns: %.*s",
		    (int)(nl - p), (int)(nl - p), p);
	ATF_CHECK(strstr(buf, "\n                [--ping-type ") != NULL);
	/* A buffer too small still gets a terminated prefix. */
	ATF_CHECK_EQ(ping_opts_help(buf, 10), n);
	ATF_CHECK_STREQ(buf, "usage: pf");
}

ATF_TC_WITHOUT_HEAD(zero_means_not_given);
ATF_TC_BODY(zero_means_not_given, tc)
{

	ATF_REQUIRE_EQ(parse(BASE "--recvif e1 --send-tc=0 --expect-tc=0 "
	    "--send-hlim 0 --expect-hlim 0 --send-mss 0 --send-seq 0 "
	    "--expect-seq 0 --expect-mss 0 --send-frag-length 0 "
	    "--expect-flags ''"), 0);
	ATF_CHECK_EQ(o.send_tc, 0);
	ATF_CHECK_EQ(o.expect_tc, 0);
	ATF_CHECK_EQ(o.expect_flags, -1);
	ATF_CHECK_EQ(o.defrag, 0);
	ATF_CHECK_EQ(o.send_length, PING_LENGTH_DEFAULT);
	ATF_REQUIRE_EQ(parse(BASE "--recvif e1 --send-flags ''"), 0);
	ATF_CHECK_EQ(o.send_flags, 0);
	/* The script crashed on these; here they are usage errors. */
	USAGE(BASE "--recvif e1 --send-length 0", "argument --send-length: 0 "
	    "is not a payload length (the probe carries the magic)");
	USAGE(BASE "--recvif e1 --send-frag-length 7", "argument "
	    "--send-frag-length: 7 is less than one 8-byte fragment block");
}

ATF_TC_WITHOUT_HEAD(old_options_are_aliases);
ATF_TC_BODY(old_options_are_aliases, tc)
{

	ATF_REQUIRE_EQ(parse("--ip6 --sendif e0 --to 2001:db8::1 --recvif e1 "
	    "--tcpsyn --tcpopt_unaligned --send-tos 4 --expect-tos 5"), 0);
	ATF_CHECK_EQ(o.af, AF_INET6);
	ATF_CHECK_EQ(o.type, PING_TCPSYN);
	ATF_CHECK_EQ(o.send_tcpopt_unaligned, 1);
	ATF_CHECK_EQ(o.send_tc, 4);
	ATF_CHECK_EQ(o.expect_tc, 5);
}

ATF_TC_WITHOUT_HEAD(combinations_the_script_choked_on_are_refused);
ATF_TC_BODY(combinations_the_script_choked_on_are_refused, tc)
{

	USAGE(BASE, "one of --recvif and --replyif is required: with "
	    "neither, nothing is checked");
	USAGE(BASE "--recvif a b c d --replyif e f g h", "8 interfaces to "
	    "sniff on; at most 7 fit in the exit status");
	USAGE("--sendif e0 --to 2001:db8::1 --recvif a --expect-flags DF",
	    "argument --expect-flags: IPv6 has no fragmentation flags");
	USAGE(BASE "--recvif a --fromaddr 2001:db8::1", "--fromaddr "
	    "2001:db8::1 and --to 192.0.2.2 are not of the same family");
	USAGE("--sendif e0 --to host.example --recvif a", "argument --to: "
	    "not an IPv4 address: host.example");
	USAGE(BASE "--recvif a --send-flags DF|MF", "argument --send-flags: "
	    "invalid IPv4 flags: 'DF|MF' (DF, MF, evil, joined by +)");
	USAGE(BASE "--recvif a --send-hlim 256", "argument --send-hlim: 256 "
	    "is out of range (0 to 255)");
	USAGE(BASE "--recvif a --send-seq -1", "argument --send-seq: -1 is "
	    "out of range (0 to 4294967295)");
}

ATF_TC_WITHOUT_HEAD(flags_strings_read_as_scapy_reads_them);
ATF_TC_BODY(flags_strings_read_as_scapy_reads_them, tc)
{

	ATF_REQUIRE_EQ(parse(BASE "--recvif a --send-flags MF+DF "
	    "--expect-flags evil"), 0);
	ATF_CHECK_EQ(o.send_flags, PING_FLAG_MF | PING_FLAG_DF);
	ATF_CHECK_EQ(o.expect_flags, PING_FLAG_EVIL);
	USAGE(BASE "--recvif a --send-flags DF+", "argument --send-flags: "
	    "invalid IPv4 flags: 'DF+' (DF, MF, evil, joined by +)");
	USAGE(BASE "--recvif a --expect-flags df", "argument --expect-flags: "
	    "invalid IPv4 flags: 'df' (DF, MF, evil, joined by +)");
}

/* A spec with positional arguments, as pft_rst has. */
static int
store_pos(void *ctx, size_t i, const char *val, char *msg, size_t size)
{
	const char **v = ctx;

	(void)msg;
	(void)size;
	v[i] = val;
	return (0);
}

static const struct pk_argpos four[] = {
	{ "src", NULL, store_pos }, { "sport", NULL, store_pos },
	{ "dst", NULL, store_pos }, { "dport", NULL, store_pos },
};
static const struct pk_argspec posspec = {
	.prog = "t", .opts = NULL, .nopts = 0, .pos = four, .npos = 4,
};

ATF_TC_WITHOUT_HEAD(positionals_fill_in_order);
ATF_TC_BODY(positionals_fill_in_order, tc)
{
	const char *v[4];
	struct tu_argv a;

	tu_split(&a, "t", "1 2 3 4");
	ATF_REQUIRE_EQ(pk_args_parse(&posspec, a.c, a.v, v, &err), 0);
	ATF_CHECK_STREQ(v[0], "1");
	ATF_CHECK_STREQ(v[3], "4");
	tu_free(&a);
	tu_split(&a, "t", "1 2");
	ATF_REQUIRE_EQ(pk_args_parse(&posspec, a.c, a.v, v, &err), -1);
	ATF_CHECK_STREQ(err.msg, "the following arguments are required: "
	    "dst, dport");
	tu_free(&a);
	tu_split(&a, "t", "1 2 3 4 5 --x");
	ATF_REQUIRE_EQ(pk_args_parse(&posspec, a.c, a.v, v, &err), -1);
	ATF_CHECK_STREQ(err.msg, "unrecognized arguments: 5 --x");
	tu_free(&a);
	/* After "--", words that look like options are values. */
	tu_split(&a, "t", "-- -1 -x --y z");
	ATF_REQUIRE_EQ(pk_args_parse(&posspec, a.c, a.v, v, &err), 0);
	ATF_CHECK_STREQ(v[1], "-x");
	tu_free(&a);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, long_option_value_after_space_or_equals);
	ATF_TP_ADD_TC(tp, unambiguous_prefix_names_the_option);
	ATF_TP_ADD_TC(tp, ambiguous_prefix_is_a_usage_error);
	ATF_TP_ADD_TC(tp, list_option_takes_words_up_to_the_next_option);
	ATF_TP_ADD_TC(tp, option_given_twice_keeps_the_last);
	ATF_TP_ADD_TC(tp, missing_value_is_a_usage_error);
	ATF_TP_ADD_TC(tp, integers_are_read_as_python_int_does);
	ATF_TP_ADD_TC(tp, choices_and_required_and_leftovers);
	ATF_TP_ADD_TC(tp, short_flags_group_and_refuse_glued_values);
	ATF_TP_ADD_TC(tp, help_stops_parsing_where_it_stands);
	ATF_TP_ADD_TC(tp, zero_means_not_given);
	ATF_TP_ADD_TC(tp, old_options_are_aliases);
	ATF_TP_ADD_TC(tp, combinations_the_script_choked_on_are_refused);
	ATF_TP_ADD_TC(tp, flags_strings_read_as_scapy_reads_them);
	ATF_TP_ADD_TC(tp, positionals_fill_in_order);
	return (atf_no_error());
}
