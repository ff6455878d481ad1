// SPDX-License-Identifier: GPL-2.0
/*
 * "One interface or all": the walk that show and metrics share, so that both
 * treat a failing interface the same way.
 *
 * One named interface is read by iface_walk_begin(): its error is reported
 * there and the caller prints nothing. For all, begin() lists the interfaces
 * and iface_walk_next() reads them one by one; an interface that went away
 * since the listing (-ENODEV) is skipped without a word, any other error is
 * reported, remembered for iface_walk_end() and the walk goes on.
 */
#include <errno.h>
#include <string.h>

#include "wgctl.h"

int iface_walk_begin(struct iface_walk *w, const char *target)
{
	int err;

	*w = (struct iface_walk){ .all = !target || !strcmp(target, "all") };
	if (w->all) {
		err = nl_list_interfaces(&w->names, &w->n);
		if (err)
			return nl_report(err, "interfaces");
		return 0;
	}
	err = nl_get_device(&w->first, target);
	if (err)
		return nl_report(err, target);
	return 0;
}

struct wg_device *iface_walk_next(struct iface_walk *w)
{
	struct wg_device *dev;

	if (!w->all) {
		dev = w->first;
		w->first = NULL;
		return dev;
	}
	while (w->next < w->n) {
		const char *name = w->names[w->next++];
		int err = nl_get_device(&dev, name);

		if (!err)
			return dev;
		if (err != -ENODEV)
			w->status = nl_report(err, name);
	}
	return NULL;
}

int iface_walk_end(struct iface_walk *w)
{
	device_free(w->first);
	nl_free_names(w->names, w->n);
	*w = (struct iface_walk){ .status = w->status };
	return w->status;
}
