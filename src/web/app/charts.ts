/**
 * Charts through Chart.js (bundled, no CDN): per-step objective curves, rates with their intervals
 * (a bar for the rate and a thin floating bar for the 95% interval), histograms and plain bar
 * charts, each with titled axes. Animations are off so what a test reads is what was drawn.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { h } from "./dom.js";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
  Legend,
);

const axis = (title: string, extra: Record<string, unknown> = {}) => ({
  title: { display: true, text: title },
  ...extra,
});

function mount(config: ChartConfiguration, wide = false, label = ""): HTMLElement {
  const canvas = h("canvas", { role: "img", "aria-label": label });
  const box = h("div", { class: wide ? "chart wide" : "chart", "data-chart": label }, canvas);
  config.options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    ...config.options,
  };
  // Chart.js measures its container: create it once the box is in the document.
  requestAnimationFrame(() => new Chart(canvas, config));
  return box;
}

export interface Series {
  label: string;
  data: number[];
}

export function lineChart(o: {
  series: Series[];
  xTitle: string;
  yTitle: string;
  title?: string;
}): HTMLElement {
  const n = Math.max(...o.series.map((s) => s.data.length));
  return mount(
    {
      type: "line",
      data: {
        labels: Array.from({ length: n }, (_, i) => i + 1),
        datasets: o.series.map((s) => ({
          label: s.label,
          data: s.data,
          pointRadius: 1.5,
          borderWidth: 1.5,
        })),
      },
      options: {
        plugins: {
          title: { display: !!o.title, text: o.title ?? "" },
          legend: { display: o.series.length > 1 },
        },
        scales: { x: axis(o.xTitle), y: axis(o.yTitle) },
      },
    },
    false,
    o.yTitle,
  );
}

export function barChart(o: {
  labels: string[];
  data: number[];
  xTitle: string;
  yTitle: string;
  title?: string;
  horizontal?: boolean;
  wide?: boolean;
}): HTMLElement {
  return mount(
    {
      type: "bar",
      data: {
        labels: o.labels,
        datasets: [{ label: o.yTitle, data: o.data, backgroundColor: "#4a78c2" }],
      },
      options: {
        indexAxis: o.horizontal ? "y" : "x",
        plugins: { title: { display: !!o.title, text: o.title ?? "" }, legend: { display: false } },
        scales: { x: axis(o.xTitle), y: axis(o.yTitle) },
      },
    },
    o.wide,
    o.title ?? o.yTitle,
  );
}

export interface RatePoint {
  label: string;
  rate: number | null;
  lo: number | null;
  hi: number | null;
}

/** Rates in percent with their 95% intervals, horizontal. */
export function rateChart(o: { points: RatePoint[]; title: string; wide?: boolean }): HTMLElement {
  const p = o.points;
  return mount(
    {
      type: "bar",
      data: {
        labels: p.map((x) => x.label),
        datasets: [
          {
            label: "rate",
            data: p.map((x) => 100 * (x.rate ?? 0)),
            backgroundColor: "#6aa57c",
            order: 1,
            barPercentage: 0.8,
          },
          {
            label: "95% interval",
            data: p.map((x) => [100 * (x.lo ?? 0), 100 * (x.hi ?? 0)] as [number, number]),
            backgroundColor: "#1d232b",
            // Drawn over the rate bar (Chart.js draws lower `order` last).
            order: 0,
            barPercentage: 0.12,
          },
        ],
      },
      options: {
        indexAxis: "y",
        plugins: { title: { display: true, text: o.title } },
        scales: { x: axis("rate (%)", { min: 0, max: 100 }), y: { stacked: true } },
      },
    },
    o.wide ?? true,
    o.title,
  );
}
