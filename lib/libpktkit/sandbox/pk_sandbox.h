/*
 * pk_sandbox.h: vnets and epairs, torn down synchronously.
 *
 * (Being written; see issue 3.)
 */
#ifndef PK_SANDBOX_H
#define PK_SANDBOX_H

#include "../pk_err.h"

#endif /* !PK_SANDBOX_H */
