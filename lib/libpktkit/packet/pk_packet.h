/*
 * pk_packet.h: the packet model: craft, dissect, print, fragment,
 * reassemble, and read and write pcap files.
 *
 * (Being written; see issue 2.)
 */
#ifndef PK_PACKET_H
#define PK_PACKET_H

#include "../pk_err.h"

#endif /* !PK_PACKET_H */
