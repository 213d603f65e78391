/*
 * pktkit.h: everything a pktkit test program needs.
 *
 * Tools that do not use atf-c include the module headers they need
 * instead (packet/pk_packet.h, wire/pk_wire.h, sandbox/pk_sandbox.h).
 */
#ifndef PKTKIT_H
#define PKTKIT_H

#include "pk_err.h"
#include "pk_report.h"
#include "pk_time.h"
#include "packet/pk_packet.h"
#include "sandbox/pk_sandbox.h"
#include "wire/pk_wire.h"
#include "leak/pk_leak.h"
#include "atf/pk_atf.h"

#endif /* !PKTKIT_H */
