/* job: units of work between the service thread and the workers. */
#include "job.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "xalloc.h"

struct job *
job_new(enum job_kind kind, uint64_t req_id)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->kind = kind;
	j->req_id = req_id;
	j->expected_version = -1;
	order_init(&j->order);
	return j;
}

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	order_free(&j->order);
	for (int i = 0; i < j->nevents; i++)
		free(j->events[i].text);
	free(j->events);
	free(j->body);
	free(j->menu_json);
	free(j->store_json);
	free(j->text);
	explicit_bzero(j->pin, sizeof j->pin);
	explicit_bzero(j->new_pin, sizeof j->new_pin);
	free(j);
}

void
job_fail(struct job *j, int status, const char *code, const char *field,
    const char *message)
{
	free(j->body);
	j->status = status;
	j->body = codec_error_body(code, field, message);
}

void
job_queue_init(struct job_queue *q)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	q->head = q->tail = NULL;
	q->closed = false;
}

void
job_queue_destroy(struct job_queue *q)
{
	struct job *j = q->head;

	while (j != NULL) {
		struct job *next = j->next;

		job_free(j);
		j = next;
	}
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
}

void
job_queue_push(struct job_queue *q, struct job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

struct job *
job_queue_take_all(struct job_queue *q)
{
	struct job *all;

	pthread_mutex_lock(&q->lock);
	while (q->head == NULL && !q->closed)
		pthread_cond_wait(&q->cond, &q->lock);
	all = q->head;
	q->head = q->tail = NULL;
	pthread_mutex_unlock(&q->lock);
	return all;
}

struct job *
job_queue_poll(struct job_queue *q)
{
	struct job *all;

	pthread_mutex_lock(&q->lock);
	all = q->head;
	q->head = q->tail = NULL;
	pthread_mutex_unlock(&q->lock);
	return all;
}

bool
job_queue_closed(struct job_queue *q)
{
	bool closed;

	pthread_mutex_lock(&q->lock);
	closed = q->closed;
	pthread_mutex_unlock(&q->lock);
	return closed;
}

void
job_queue_close(struct job_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}
