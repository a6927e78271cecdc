/* usbdev: the device's side of usbfs for one umockdev-emulated USB device
 * (descriptions in tests/hardware/usb/), shared by test_usb and
 * usbdev-serve. See usbdev.h. */
#include "usbdev.h"

#include <errno.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hidreader.h"

struct usbdev usbdev;

static UMockdevTestbed *testbed;
static UMockdevIoctlBase *handler;

struct done {
	UMockdevIoctlData *urb;
	int status;
	int actual;
};

static void
complete_urb(UMockdevIoctlData *urb, int status, int actual)
{
	struct done *d = g_new0(struct done, 1);

	d->urb = umockdev_ioctl_data_ref(urb);
	d->status = status;
	d->actual = actual;
	usbdev.completed = g_list_append(usbdev.completed, d);
}

void
usbdev_feed_in(void)
{
	while (usbdev.pending_in != NULL && !g_queue_is_empty(&usbdev.in)) {
		UMockdevIoctlData *urb_data = usbdev.pending_in->data;
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;
		GBytes *b = g_queue_pop_head(&usbdev.in);
		gsize n;
		const void *p = g_bytes_get_data(b, &n);

		if ((int)n > urb->buffer_length)
			n = (gsize)urb->buffer_length;
		memcpy(urb->buffer, p, n);
		complete_urb(urb_data, 0, (int)n);
		umockdev_ioctl_data_unref(urb_data);
		usbdev.pending_in = g_list_delete_link(usbdev.pending_in, usbdev.pending_in);
		g_bytes_unref(b);
	}
}

void
usbdev_queue_in(const void *data, size_t n)
{
	g_queue_push_tail(&usbdev.in, g_bytes_new(data, n));
}

/* DLE EOT n in what the printer received: answer like an Epson TM. */
static void
printer_answers(const unsigned char *b, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++) {
		unsigned char a = 0x12;

		if (b[i] != 0x10 || b[i + 1] != 0x04 || !usbdev.answer_status)
			continue;
		if (b[i + 2] == 1 && usbdev.paper_out)
			a |= 0x08;
		if (b[i + 2] == 2 && usbdev.paper_out)
			a |= 0x20;
		if (b[i + 2] == 4 && usbdev.paper_out)
			a |= 0x6c;
		usbdev_queue_in(&a, 1);
	}
}

/* String descriptors: languages, then manufacturer, product, serial. */
static int
control_reply(const unsigned char *setup, unsigned char *out, int room)
{
	const char *s;
	int n = 0;

	if (setup[0] != 0x80 || setup[1] != 6 || setup[3] != 3)
		return -1;
	if (setup[2] == 0) {
		static const unsigned char langs[] = { 4, 3, 0x09, 0x04 };

		memcpy(out, langs, room < 4 ? (size_t)room : 4);
		return room < 4 ? room : 4;
	}
	s = setup[2] == 1 ? usbdev.manufacturer : setup[2] == 2 ? usbdev.product :
	    usbdev.serial;
	out[n++] = (unsigned char)(2 + 2 * strlen(s));
	out[n++] = 3;
	for (; *s && n + 2 <= room; s++) {
		out[n++] = (unsigned char)*s;
		out[n++] = 0;
	}
	return n;
}

static gboolean
handle_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer unused)
{
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	unsigned long request = umockdev_ioctl_client_get_request(client);
	gboolean handled = TRUE;

	(void)h;
	(void)unused;
	pthread_mutex_lock(&usbdev.lock);
	if (usbdev.gone && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY &&
	    request != USBDEVFS_DISCARDURB) {
		umockdev_ioctl_client_complete(client, -1, ENODEV);
		pthread_mutex_unlock(&usbdev.lock);
		return TRUE;
	}
	switch (request) {
	case USBDEVFS_GET_CAPABILITIES: {
		g_autoptr(UMockdevIoctlData) d = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(guint32), NULL);

		*(guint32 *)d->data = USBDEVFS_CAP_BULK_SCATTER_GATHER |
		    USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
		    USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_CLAIMINTERFACE:
		if (usbdev.busy || usbdev.driver)
			umockdev_ioctl_client_complete(client, -1, EBUSY);
		else
			umockdev_ioctl_client_complete(client, 0, 0);
		break;
	case USBDEVFS_RELEASEINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESET:
	case USBDEVFS_RESETEP:
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_SETCONFIGURATION:
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	case USBDEVFS_GETDRIVER: {
		g_autoptr(UMockdevIoctlData) d = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(struct usbdevfs_getdriver), NULL);
		struct usbdevfs_getdriver *gd = (struct usbdevfs_getdriver *)d->data;

		if (usbdev.driver) {
			snprintf(gd->driver, sizeof gd->driver, "usblp");
			umockdev_ioctl_client_complete(client, 0, 0);
		} else {
			umockdev_ioctl_client_complete(client, -1, ENODATA);
		}
		break;
	}
	case USBDEVFS_IOCTL: {
		g_autoptr(UMockdevIoctlData) d = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(struct usbdevfs_ioctl), NULL);
		struct usbdevfs_ioctl *io = (struct usbdevfs_ioctl *)d->data;

		if (io->ioctl_code == (int)USBDEVFS_DISCONNECT) {
			usbdev.detaches++;
			usbdev.driver = false;
		} else if (io->ioctl_code == (int)USBDEVFS_CONNECT) {
			usbdev.attaches++;
			usbdev.driver = true;
		}
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_SUBMITURB: {
		g_autoptr(UMockdevIoctlData) urb_data = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(struct usbdevfs_urb), NULL);
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)urb_data->data;
		g_autoptr(UMockdevIoctlData) buf = umockdev_ioctl_data_resolve(urb_data,
		    G_STRUCT_OFFSET(struct usbdevfs_urb, buffer), (gsize)urb->buffer_length, NULL);

		if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
			int n = control_reply(buf->data, buf->data + 8, urb->buffer_length - 8);

			complete_urb(urb_data, n < 0 ? -EPIPE : 0, n < 0 ? 0 : n);
			umockdev_ioctl_client_complete(client, 0, 0);
		} else if (urb->endpoint & 0x80) {
			usbdev.pending_in = g_list_append(usbdev.pending_in,
			    umockdev_ioctl_data_ref(urb_data));
			usbdev_feed_in();
			umockdev_ioctl_client_complete(client, 0, 0);
		} else if (usbdev.unplug_after > 0 &&
		    usbdev.out->len + (size_t)urb->buffer_length > usbdev.unplug_after) {
			usbdev.gone = true;        /* the cable came out */
			umockdev_ioctl_client_complete(client, -1, ENODEV);
		} else {
			g_byte_array_append(usbdev.out, buf->data, (guint)urb->buffer_length);
			printer_answers(buf->data, (size_t)urb->buffer_length);
			complete_urb(urb_data, 0, urb->buffer_length);
			usbdev_feed_in();
			umockdev_ioctl_client_complete(client, 0, 0);
		}
		break;
	}
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		if (usbdev.completed != NULL) {
			struct done *d = usbdev.completed->data;
			struct usbdevfs_urb *urb = (struct usbdevfs_urb *)d->urb->data;
			g_autoptr(UMockdevIoctlData) ptr = umockdev_ioctl_data_resolve(arg, 0,
			    sizeof(gpointer), NULL);

			usbdev.completed = g_list_delete_link(usbdev.completed, usbdev.completed);
			urb->status = d->status;
			urb->actual_length = d->actual;
			umockdev_ioctl_data_set_ptr(ptr, 0, d->urb);
			umockdev_ioctl_data_unref(d->urb);
			g_free(d);
			umockdev_ioctl_client_complete(client, 0, 0);
		} else {
			umockdev_ioctl_client_complete(client, -1, usbdev.gone ? ENODEV : EAGAIN);
		}
		break;
	case USBDEVFS_DISCARDURB: {
		void *addr = *(void **)arg->data;
		GList *l;

		for (l = usbdev.pending_in; l != NULL; l = l->next) {
			if ((void *)((UMockdevIoctlData *)l->data)->client_addr == addr)
				break;
		}
		if (l != NULL) {
			complete_urb(l->data, -ENOENT, 0);
			umockdev_ioctl_data_unref(l->data);
			usbdev.pending_in = g_list_delete_link(usbdev.pending_in, l);
			umockdev_ioctl_client_complete(client, 0, 0);
		} else {
			umockdev_ioctl_client_complete(client, -1, EINVAL);
		}
		break;
	}
	default:
		handled = FALSE;
		break;
	}
	pthread_mutex_unlock(&usbdev.lock);
	return handled;
}

void
usbdev_reset(void)
{
	usbdev_clear();
	memset(&usbdev, 0, sizeof usbdev);
	pthread_mutex_init(&usbdev.lock, NULL);
	g_queue_init(&usbdev.in);
	usbdev.out = g_byte_array_new();
	usbdev.answer_status = true;
	usbdev.manufacturer = "EPSON";
	usbdev.product = "TM-T20";
	usbdev.serial = "J7XF012345";
}

void
usbdev_clear(void)
{
	g_clear_object(&handler);
	g_clear_object(&testbed);
	if (usbdev.out == NULL)
		return;
	g_byte_array_unref(usbdev.out);
	usbdev.out = NULL;
	g_queue_clear_full(&usbdev.in, (GDestroyNotify)g_bytes_unref);
	g_list_free_full(usbdev.pending_in, (GDestroyNotify)umockdev_ioctl_data_unref);
	usbdev.pending_in = NULL;
	while (usbdev.completed != NULL) {
		struct done *d = usbdev.completed->data;

		umockdev_ioctl_data_unref(d->urb);
		g_free(d);
		usbdev.completed = g_list_delete_link(usbdev.completed, usbdev.completed);
	}
	pthread_mutex_destroy(&usbdev.lock);
}

UMockdevTestbed *
usbdev_plug(const char *dir, const char *file, const char *node, GError **error)
{
	char *path = g_strdup_printf("%s/%s", dir, file);
	bool ok;

	testbed = umockdev_testbed_new();
	handler = umockdev_ioctl_base_new();
	g_signal_connect(handler, "handle-ioctl", G_CALLBACK(handle_ioctl), NULL);
	/* the handler first: libusb may open the node as soon as it appears */
	ok = umockdev_testbed_attach_ioctl(testbed, node, handler, error) &&
	    umockdev_testbed_add_from_file(testbed, path, error);
	g_free(path);
	return ok ? testbed : NULL;
}

int
usbdev_type_keys(const char *s)
{
	unsigned char up[8] = { 0 };

	for (; *s; s++) {
		unsigned char rep[8] = { 0 };

		for (unsigned u = 4; u <= 0x38; u++) {
			if (hidreader_usage_char((unsigned char)u, 0) == *s) {
				rep[2] = (unsigned char)u;
				break;
			}
			if (hidreader_usage_char((unsigned char)u, 1) == *s) {
				rep[0] = 0x02;          /* left shift */
				rep[2] = (unsigned char)u;
				break;
			}
		}
		if (*s == '\r')
			rep[2] = 0x28;
		if (rep[2] == 0)
			return -1;
		usbdev_queue_in(rep, 8);
		usbdev_queue_in(up, 8);
	}
	return 0;
}
