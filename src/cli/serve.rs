//! `muchan serve`: what-if settings in the browser (SPEC §18) — evaluates once, prints the
//! URL and serves the page and its JSON API on 127.0.0.1 (another address only with
//! `--listen`) until stopped.

use super::{LangArg, Setting};
use clap::Args;
use muchan::output::Lang;
use muchan::serve::{self, Evaluator};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub setting: Setting,
    /// The port (0: any free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on, instead of 127.0.0.1 (e.g. 0.0.0.0 for every interface, or
    /// 192.168.1.10:9000 with its own port).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Language of the page and the output files (en or zh).
    #[arg(long, value_enum, default_value = "en")]
    pub lang: LangArg,
    /// Print nothing but the URL and errors (no progress either).
    #[arg(long)]
    pub quiet: bool,
}

impl ServeArgs {
    /// `--listen` (an address, with or without a port), else 127.0.0.1, on `--port`.
    fn address(&self) -> anyhow::Result<SocketAddr> {
        let Some(listen) = &self.listen else { return Ok(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), self.port)) };
        if let Ok(address) = listen.parse::<SocketAddr>() {
            return Ok(address);
        }
        let ip: IpAddr =
            listen.parse().map_err(|_| anyhow::anyhow!("--listen {listen}: not an IP address (write 0.0.0.0)"))?;
        Ok(SocketAddr::new(ip, self.port))
    }
}

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let address = args.address()?;
    let config = args.setting.config()?;
    let data = args.setting.data.dir();
    let lang: Lang = args.lang.into();
    let evaluator = Evaluator::start(&data, config, lang, !args.quiet)?;
    serve::run(evaluator, address, |bound| {
        let url = format!("http://{bound}/");
        match lang {
            Lang::En => println!("muchan: serving {} at {url} (open it in a browser; Ctrl-C stops)", data.display()),
            Lang::Zh => println!("muchan：{} 的模拟测算页面 {url} （用浏览器打开；Ctrl-C 停止）", data.display()),
        }
    })?;
    Ok(ExitCode::SUCCESS)
}
