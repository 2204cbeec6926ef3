/// The console's one stylesheet, served at `/console/static/console.css` (the pages carry no
/// inline style, so the content security policy can forbid it). Plain CSS: a readable column on
/// a laptop, tables that scroll sideways on a phone.
enum ConsoleStyle {
    static let css = """
        :root { --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #f6f7f9; --accent: #0b5cad; --bad: #b42318; --warn: #9a6700; --good: #1a7f37; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
        header { background: #14213d; color: #fff; padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; }
        header a { color: #fff; text-decoration: none; padding: .2rem .1rem; }
        header a.active { border-bottom: 2px solid #ffd166; }
        header .brand { font-weight: 700; letter-spacing: .02em; }
        header .who { margin-left: auto; display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
        header form { margin: 0; }
        header button { background: transparent; color: #fff; border: 1px solid #fff8; border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.4rem; margin: .4rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .6rem; }
        .tile { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
        .tile .n { font-size: 1.6rem; font-weight: 600; }
        .tile .l { color: var(--muted); font-size: .85rem; }
        .scroll { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; font-size: .85rem; white-space: nowrap; }
        td.mono, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85rem; word-break: break-all; }
        .state { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600; background: #e7ebf0; }
        .state-delivered { background: #dafbe1; color: var(--good); }
        .state-failed, .state-dead, .state-open, .state-expired { background: #ffebe9; color: var(--bad); }
        .state-pending, .state-sending, .state-half-open, .state-expiring { background: #fff8c5; color: var(--warn); }
        .notice { padding: .6rem .8rem; border-radius: 6px; margin: .6rem 0; border: 1px solid var(--line); background: #fff; }
        .notice.bad { border-color: #ffcecb; background: #ffebe9; }
        .notice.good { border-color: #aceebb; background: #dafbe1; }
        .notice.warn { border-color: #f5e0a0; background: #fff8c5; }
        form.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .6rem; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem; }
        label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: .2rem; }
        input, select { font: inherit; padding: .35rem .45rem; border: 1px solid #b8c0cc; border-radius: 4px; background: #fff; color: var(--fg); }
        button, .button { font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
        button.secondary, .button.secondary { background: #fff; color: var(--accent); }
        button.danger { background: var(--bad); border-color: var(--bad); }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .8rem 0; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; word-break: break-all; }
        .muted { color: var(--muted); }
        .signin { max-width: 22rem; margin: 3rem auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1.2rem; display: flex; flex-direction: column; gap: .8rem; }
        footer { max-width: 1200px; margin: 1rem auto 2rem; padding: 0 1rem; color: var(--muted); font-size: .8rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
        footer form { display: flex; gap: .4rem; align-items: center; margin: 0; }
        td.when { white-space: nowrap; }
        tr.current { background: #eef5ff; }
        @media (max-width: 640px) { body { font-size: 14px; } main { padding: .6rem; } th, td { padding: .35rem .4rem; } header .who { margin-left: 0; } }
        """
}
