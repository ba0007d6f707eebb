use anyhow::Result;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Not implemented yet.
    Todo,
}

pub fn run(_c: Command) -> Result<u8> {
    anyhow::bail!("not implemented yet")
}
