"""Progress bars for long calls: tqdm when it is installed, nothing otherwise."""


def progress_bar(steps, progress, total, desc, unit_of):
    """Yields `steps`; with `progress` true and tqdm installed, advances a bar by
    ``unit_of(step)`` after each. `progress` may also be a dict of tqdm arguments."""
    if not progress:
        yield from steps
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:  # optional: silent without it
        yield from steps
        return
    kwargs = dict(total=total, desc=desc)
    if isinstance(progress, dict):
        kwargs.update(progress)
    with tqdm(**kwargs) as bar:
        for step in steps:
            yield step
            bar.update(unit_of(step))


def progress_counter(progress, total, desc):
    """A tqdm bar to advance by hand (``bar.update``, ``bar.n``), or None when `progress`
    is false or tqdm is not installed."""
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # optional: silent without it
        return None
    kwargs = dict(total=total, desc=desc)
    if isinstance(progress, dict):
        kwargs.update(progress)
    return tqdm(**kwargs)
