/*
 * pk_wire.h: send, sniff and expect packets on interfaces in any vnet.
 *
 * (Being written; see issue 5.)
 */
#ifndef PK_WIRE_H
#define PK_WIRE_H

#include "../pk_err.h"

#endif /* !PK_WIRE_H */
