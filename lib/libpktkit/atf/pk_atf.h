/*
 * pk_atf.h: the atf-c layer: test cases in a few linear lines.
 *
 * (Being written; see issue 4.)
 */
#ifndef PK_ATF_H
#define PK_ATF_H

#endif /* !PK_ATF_H */
