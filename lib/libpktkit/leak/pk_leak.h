/*
 * pk_leak.h: snapshots of what a test case could leak, and their diff.
 *
 * (Being written; see issue 4.)
 */
#ifndef PK_LEAK_H
#define PK_LEAK_H

#include "../pk_err.h"

#endif /* !PK_LEAK_H */
