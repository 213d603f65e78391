/*
 * pk_time.h: monotonic time and deadlines.
 *
 * Every wait in pktkit is on an event with a deadline, never a fixed
 * sleep.  Deadlines are the one thing a slow machine may need more of,
 * so all of them pass through pk_deadline_ms(), which applies one
 * run-wide multiplier.
 */
#ifndef PK_TIME_H
#define PK_TIME_H

#include <stdint.h>

/*
 * Milliseconds (and microseconds) on the monotonic clock, from an
 * arbitrary origin.
 */
int64_t	pk_now_ms(void);
int64_t	pk_now_us(void);

/*
 * The run-wide deadline multiplier: the environment variable
 * PKTKIT_DEADLINE_SCALE, a positive decimal number (default 1; values
 * that do not parse or are not positive count as 1).
 */
double	pk_deadline_scale(void);

/*
 * ms multiplied by pk_deadline_scale(), rounded up, at least 1.
 */
unsigned pk_deadline_ms(unsigned ms);

/*
 * Milliseconds left until the absolute time end (from pk_now_ms()), 0 if
 * it has passed, clamped to INT32_MAX so that it fits poll(2).
 */
int	pk_ms_left(int64_t end);

#endif /* !PK_TIME_H */
