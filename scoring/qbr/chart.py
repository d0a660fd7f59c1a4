"""The pack's one chart: points each signal earned against its maximum, as a PNG.

Rendered with Altair's offline converter (``vl-convert``), so building a pack
needs no browser and no network.  Labels are the model's signal names (ours,
from the catalog), never user text.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import vl_convert

from scoring.engine import Earned


def drivers_chart(drivers: Sequence[Earned], title: str) -> alt.LayerChart:
    """Earned points over a grey bar of the maximum, one row per signal and one for the bonus."""
    frame = pd.DataFrame(
        {
            "signal": [d.label for d in drivers],
            "earned": [round(d.points, 1) for d in drivers],
            "maximum": [round(d.max_points, 1) for d in drivers],
        }
    )
    base = alt.Chart(frame).encode(y=alt.Y("signal:N", sort=None, title=None, axis=alt.Axis(labelLimit=280)))
    full = base.mark_bar(color="#e0e0e0").encode(x=alt.X("maximum:Q", title="Points out of 100"))
    earned = base.mark_bar(color="#1f77b4").encode(x="earned:Q", tooltip=["signal", "earned", "maximum"])
    # "pad": the height is the bars' own, and the title and axes add to it.  Streamlit sizes a chart
    # to fit its content otherwise, which squeezed six bars into 60 pixels on the page.
    return (full + earned).properties(
        width=480, height=max(60, 32 * len(frame)), title=title, autosize=alt.AutoSizeParams(type="pad")
    )


def drivers_png(drivers: Sequence[Earned], title: str) -> bytes:
    """The drivers chart as PNG bytes (twice the pixel density, for slides)."""
    return bytes(vl_convert.vegalite_to_png(drivers_chart(drivers, title).to_json(), scale=2))
