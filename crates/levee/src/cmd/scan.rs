use anyhow::Result;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_a: Args) -> Result<u8> {
    anyhow::bail!("not implemented yet")
}
